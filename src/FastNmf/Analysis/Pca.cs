using System.Diagnostics;
using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.Storage;
using FastNmf.Kernels;
using FastNmf.Kernels.Threading;

namespace FastNmf.Analysis;

/// <summary>
/// PCA of X as the NMF sees it (same unfolding, same mask, no centring): the leading eigenvalues of XXᵀ and the MSE of
/// the best rank-k approximation, the lower bound the paper draws under the NMF's MSE (Fig. 7a) and an aid to choose k.
/// Uncentred on purpose: W·H has no mean term, so the uncentred truncated SVD is the true lower bound of any rank-k W·H
/// (Eckart–Young); a centred PCA spends one of its k components less on the mean and is not a bound for NMF.
/// <see cref="PcaMethod.Auto"/> forms the smaller Gram matrix when its side is at most <see cref="GramLimit"/>, else
/// iterates on X (randomised block Krylov); the crossover is measured (README, performance).
/// </summary>
public static class Pca
{
    /// <summary>
    /// Largest side of the smaller Gram matrix for which <see cref="PcaMethod.Auto"/> forms it. Measured with K = 30 on
    /// the simulated set, 128×128 detector (<c>perf/FastNmf.Benchmarks -- analysis pca</c>, 2-core Zen 5): 36×36 scan
    /// (side 1296) Gram 1.1 s vs Krylov 1.4 s; 58×58 (3364) Gram 19.7 s (16.3 s of it the eigensolver) vs Krylov 3.1 s;
    /// 128×128 (16384) Krylov 12.7 s vs an estimated 2000 s for the Gram route. The Gram cost grows ~n³, Krylov's ~n.
    /// </summary>
    public const int GramLimit = 1500;

    /// <summary>The eigenvalues λ_1..λ_K of XXᵀ and MSE_0..MSE_K.</summary>
    /// <param name="x">X, as unfolded (and masked) for the factorization.</param>
    /// <param name="maxComponents">K, 1..min(n_xy, n_uv).</param>
    /// <param name="options">Method and its settings, or null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">K or an option out of range.</exception>
    /// <exception cref="InsufficientMemoryException">the Gram method was asked for a Gram matrix too big for memory.</exception>
    public static PcaSpectrum Spectrum(UnfoldedData x, int maxComponents, PcaOptions? options = null) => Spectrum(x, maxComponents, options, Communicator.Single);

    /// <summary>The spectrum of X held by the ranks of <paramref name="communicator"/>, each with its slab in
    /// <paramref name="x"/> (collective: every rank calls it and gets the same values). With more than one rank, the
    /// randomised method in pixel space (<see cref="PcaMethod.Randomized"/>), whose basis every rank holds alike.</summary>
    public static PcaSpectrum Spectrum(UnfoldedData x, int maxComponents, PcaOptions? options, Communicator communicator)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(communicator);
        if (communicator.Size > 1)
        {
            return Distributed(x, maxComponents, options ?? new PcaOptions(), communicator);
        }

        options ??= new PcaOptions();
        options.Validate();
        int smaller = Math.Min(x.NXy, x.NUv);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxComponents, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxComponents, smaller);
        PcaMethod method = options.Method != PcaMethod.Auto ? options.Method : smaller <= GramLimit ? PcaMethod.Gram : PcaMethod.Randomized;
        var clock = Stopwatch.StartNew();
        KernelSet kernels = KernelSet.CreateDefault();
        using var team = new WorkerTeam(options.Threads);
        // X read as uint16 counts has no float32 copy: its own operand serves the same products.
        var layout = new FoldLayout(FrameBlocks.For(x.Slab.ScanRows, x.Slab.ScanCols).LocalRanges(x.Slab), x.Statistics.PixelSums);
        using IXOperand xop = x.IsUInt16
            ? new UInt16XOperand(x.Counts!.Borrow(), kernels.DenseWidth, team, layout, Math.Max(64, options.BlockSize))
            : new DenseXOperand(x.Frames, kernels.Products, team, layout, Math.Max(64, options.BlockSize));
        using var hx = new FoldedHX(xop, Math.Max(64, options.BlockSize));
        if (method == PcaMethod.Gram)
        {
            double[] all = GramSpectrum.Eigenvalues(x, xop, hx, maxComponents, options.Progress, kernels.Products, team);
            return new PcaSpectrum(all, x.SumOfSquares, x.NUv, x.NXy, method, 0, true, clock.Elapsed);
        }

        (double[] eigenvalues, int iterations, bool converged) = RandomizedSpectrum.Run(x, xop, hx, maxComponents, options);
        return new PcaSpectrum(eigenvalues, x.SumOfSquares, x.NUv, x.NXy, method, iterations, converged, clock.Elapsed);
    }

    private static PcaSpectrum Distributed(UnfoldedData x, int maxComponents, PcaOptions options, Communicator comm)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        XStatistics stats = XStatistics.Compute(x, comm);
        int smaller = (int)Math.Min(stats.Frames, x.NUv);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxComponents, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxComponents, smaller);
        KernelSet kernels = KernelSet.CreateDefault();
        using var team = new WorkerTeam(options.Threads);
        var layout = new FoldLayout(FrameBlocks.For(x.Slab.ScanRows, x.Slab.ScanCols).LocalRanges(x.Slab), stats.PixelSums);
        int rows = Math.Max(64, options.BlockSize);
        using IXOperand xop = x.IsUInt16
            ? new UInt16XOperand(x.Counts!.Borrow(), kernels.DenseWidth, team, layout, rows)
            : new DenseXOperand(x.Frames, kernels.Products, team, layout, rows);
        using var hx = new FoldedHX(xop, rows, comm);
        (double[] eigenvalues, int steps, bool converged) = DistributedSpectrum.Run(x, xop, hx, comm, stats, maxComponents, options);
        return new PcaSpectrum(eigenvalues, stats.SumOfSquares, x.NUv, (int)Math.Min(stats.Frames, int.MaxValue), PcaMethod.Randomized, steps, converged, clock.Elapsed);
    }
}
