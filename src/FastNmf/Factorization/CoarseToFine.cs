using System.Diagnostics;
using FastNmf.Data;
using FastNmf.Kernels;

namespace FastNmf.Factorization;

/// <summary>
/// <see cref="NmfOptions.CoarseScan"/>: the protocol on the binned scan, then the full scan warm-started from its kept
/// diffractions. The coarse stage is a factorization of its own (every restart, the trial, the map kernel scaled to
/// the coarse step, <see cref="NmfOptions.Iterations"/> − <see cref="NmfOptions.FineIterations"/> iterations); the fine
/// stage is one restart from the coarse W, H from one H-step (Eq. 8 and [·]_H) on the full scan, for
/// <see cref="NmfOptions.FineIterations"/>. Progress reports the fine iterations after the coarse ones.
/// </summary>
internal static class CoarseToFine
{
    public static NmfResult Run(UnfoldedData x, NmfOptions options, KernelSet kernels, Action<IterationStats>? progress, CancellationToken cancel)
    {
        int factor = options.CoarseScan!.Value;
        var clock = Stopwatch.StartNew();
        int coarseRows = x.ScanRows / factor, coarseCols = x.ScanCols / factor;
        if ((long)coarseRows * coarseCols <= options.Components)
        {
            throw new ArgumentOutOfRangeException(nameof(NmfOptions.CoarseScan), factor,
                $"binned {factor}×{factor}, the {x.ScanRows}×{x.ScanCols} scan has {coarseRows}×{coarseCols} positions: too few for k = {options.Components} components; bin less or run without a coarse scan.");
        }

        NmfOptions coarseOptions = CoarseOptions(options);
        NmfResult coarse;
        using (UnfoldedData binned = x.BinScan(factor))
        {
            coarse = Factorizer.Run(binned, coarseOptions, kernels, progress, cancel);
        }

        // The fine stage from the kept coarse diffractions, over the kept pixels (the coarse run used the same mask).
        float[] w0 = x.Pixels.Unfold(coarse.W, options.Components);
        NmfOptions fineOptions = FineOptions(options) with { InitialW = w0 };
        int offset = coarseOptions.Iterations;
        int chosen = coarse.ChosenRestart;
        Action<IterationStats>? fineProgress = progress is null ? null
            : s => progress(s with { Restart = chosen, Iteration = s.Iteration + offset });
        NmfResult fine = Factorizer.Run(x, fineOptions, kernels, fineProgress, cancel);
        return fine.AfterCoarseStage(options, coarse, clock.Elapsed);
    }

    /// <summary>The coarse stage's options: every restart and the trial, all but <see cref="NmfOptions.FineIterations"/>
    /// iterations, the map kernel scaled to the coarse scan step.</summary>
    public static NmfOptions CoarseOptions(NmfOptions options) => options with
    {
        CoarseScan = null,
        Iterations = options.Iterations - options.FineIterations,
        MapKernel = options.MapKernel.ForBinnedScan(options.CoarseScan!.Value) ?? options.MapKernel,
        InitialH = null,
    };

    /// <summary>The full-scan stage's options: one restart, no trial, <see cref="NmfOptions.FineIterations"/> iterations
    /// (its W is the coarse stage's, set by the run).</summary>
    public static NmfOptions FineOptions(NmfOptions options) => options with
    {
        CoarseScan = null,
        Iterations = options.FineIterations,
        Restarts = 1,
        TrialIterations = null,
        RestartsKept = 1,
        InitialH = null,
    };
}
