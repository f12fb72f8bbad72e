using System.Diagnostics;
using FastNmf.Data;
using FastNmf.Factorization;
using FastNmf.Kernels;
using FastNmf.Kernels.Gemm;
using FastNmf.Distributed;
using FastNmf.Kernels.Threading;
using FastNmf.Storage;

namespace FastNmf;

/// <summary>
/// Runs a factorization X ≈ WH: every restart from its own seed (Step 8), advanced together in batches so one pass over
/// X serves all of them, keeps the restart with the lowest final MSE, normalises each diffraction to unit L1 norm
/// (H scaled to keep WH) and sorts components by the L2 norm of their maps (Step 9).
/// </summary>
public static class Factorizer
{
    // A batch's workspace is capped so that a large data set with many restarts still fits: beyond this the restarts run
    // in several batches (each restart's result is the same either way).
    private const long MaxBatchWorkspaceBytes = 1L << 30;

    /// <summary>The kernel backend a run would use, as one line (backend name and implementations).</summary>
    public static string DescribeBackend() => KernelSet.CreateDefault().Describe();

    /// <summary>One line per backend and lane width this machine offers, with why a native library did or did not load.</summary>
    public static IReadOnlyList<string> BackendReport()
    {
        var lines = new List<string> { "managed: available (System.Runtime.Intrinsics lane kernels, dense float32/uint16 and sparse)" };
        lines.AddRange(KernelSet.BackendTraces());
        lines.Add($"lane widths (dense and sparse kernels): {string.Join(", ", KernelSet.AvailableLaneWidths)}");
        lines.Add(KernelSet.AutoPrefersManaged
            ? "auto prefers managed: vector lanes run here, and the lane kernels beat both BLAS at the measured shapes"
            : "auto prefers a native BLAS: no vector lanes here");
        lines.Add($"auto: {DescribeBackend()}");
        return lines;
    }

    /// <summary>Factorizes <paramref name="x"/>.</summary>
    /// <param name="x">The data matrix.</param>
    /// <param name="options">Method, k, iterations, restarts, constraints, seed, storage.</param>
    /// <param name="progress">Called on the calling thread after every iteration of every restart (iteration by
    /// iteration across a batch of restarts).</param>
    /// <param name="cancel">Checked once per iteration.</param>
    /// <exception cref="ArgumentOutOfRangeException">an option is out of range (the message names it).</exception>
    /// <exception cref="ArgumentException">an initial factor does not fit the data.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was signalled.</exception>
    /// <exception cref="ArithmeticException">the iteration produced a non-finite value (degenerate data).</exception>
    /// <exception cref="BackendUnavailableException">a native backend was requested and cannot be loaded (the message says why).</exception>
    public static NmfResult Run(UnfoldedData x, NmfOptions options, Action<IterationStats>? progress = null, CancellationToken cancel = default) =>
        Run(x, options, Communicator.Single, progress, cancel);

    /// <summary>
    /// Factorizes X held by the ranks of <paramref name="communicator"/>, each with its slab of scan rows in
    /// <paramref name="x"/> (see <see cref="UnfoldedData.Slab"/> and <see cref="Distributed.Communicator"/>): every rank
    /// calls this with the same options. W and the monitoring are the same on every rank; each rank's result holds its
    /// own columns of H. The result is bit-identical to the one-process run of the whole scan with the same options.
    /// </summary>
    /// <remarks>Every problem is found by every rank together, so all of them throw and none is left waiting in a
    /// collective: a rank whose options, kept pixels, scan or data type differ from rank 0's, slabs that do not tile the
    /// scan in rank order on its canonical blocks, or a slab thinner than the map kernel reaches. A cancellation on any
    /// rank stops every rank at the next reduction. A rank that never calls, or dies, is the MPI launcher's to end.</remarks>
    /// <exception cref="DistributedFailureException">the ranks disagree on the problem, or the slabs do not tile the scan
    /// (every rank throws; <see cref="DistributedFailureException.Rank"/> names the rank that found it).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was signalled on this or another rank.</exception>
    /// <exception cref="ArgumentException">an option is out of range, or the data cannot be factorized as asked (as for
    /// the one-process run; the same on every rank since the problem is).</exception>
    public static NmfResult Run(UnfoldedData x, NmfOptions options, Communicator communicator, Action<IterationStats>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(communicator);
        // A backend or kernel override that fails on one rank only (a node without MKL) fails every rank.
        KernelSet? kernels = null;
        Exception? failure = null;
        try
        {
            kernels = KernelSet.Create(Environment.GetEnvironmentVariable(KernelSet.EnvironmentVariable), options.Backend);
            // Refused here, where the refusal reaches every rank (a rank that alone asked for it would leave the
            // others waiting in the run's first collective).
            if (options.CoarseScan is not null && communicator.Size > 1)
            {
                throw CoarseNeedsOneProcess();
            }
        }
        catch (Exception e) when (communicator.Size > 1)
        {
            failure = e;
        }

        Collective.AgreeOn(communicator, failure);
        return Run(x, options, kernels!, communicator, progress, cancel);
    }

    internal static NmfResult Run(UnfoldedData x, NmfOptions options, KernelSet kernels, Action<IterationStats>? progress, CancellationToken cancel) =>
        Run(x, options, kernels, Communicator.Single, progress, cancel);

    internal static NmfResult Run(UnfoldedData x, NmfOptions options, KernelSet kernels, Communicator comm, Action<IterationStats>? progress, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(options);
        if (options.CoarseScan is not null)
        {
            if (comm.Size > 1 || !x.Slab.IsWhole)
            {
                throw CoarseNeedsOneProcess();
            }

            options.Validate(x.NUv, x.NXy);
            options.ValidateInitialFactors(x.NUv, x.NXy);
            return CoarseToFine.Run(x, options, kernels, progress, cancel);
        }

        RunAgreement.Check(x, options, kernels, comm);
        ScanSlab slab = x.Slab;
        RunAgreement.Together(comm, () =>
        {
            options.Validate(x.NUv, (int)Math.Min(slab.TotalFrames, int.MaxValue));
            options.ValidateInitialFactors(x.NUv, slab.TotalFrames);
        });
        var clock = Stopwatch.StartNew();
        var times = new PhaseTimes();
        long setup = Stopwatch.GetTimestamp();
        XStatistics stats = comm.Size == 1 && slab.IsWhole ? x.Statistics : XStatistics.Compute(x, comm);
        setup = times.Add(PhaseTimes.Phase.Statistics, setup);
        int k = options.Components;
        DataFacts facts = DataFacts.Of(x, stats, comm);
        RunPlan plan = null!;
        RunAgreement.Together(comm, () =>
        {
            if (stats.SumOfSquares == 0)
            {
                // Any W with H = 0 fits exactly: a "result" would be noise from the random start, not a factorization.
                throw new InvalidDataException($"X is all zeros ({stats.Frames} diffractions of {x.NUv} unmasked pixels): there is nothing to factorize; check the input, the mask and the crop.");
            }

            plan = Plan(x, facts, options, kernels);
        });
        int batch = plan.Batch;
        XStorage storage = plan.Storage;
        FrameBlocks blocks = FrameBlocks.For(slab.ScanRows, slab.ScanCols);
        using var team = new WorkerTeam(options.Threads);
        if (kernels.Products is FactorProductsBlas blas)
        {
            blas.Library.SetThreads(options.Threads);
        }

        times.Add(PhaseTimes.Phase.Setup, setup);
        using SolverAssembly parts = SolverAssembly.Build(x, options, kernels, plan, team, times, comm, stats, blocks);
        IXOperand xop = parts.XOperand;
        SolverWorkspace workspace = parts.Workspace;
        NmfSolver solver = parts.Solver;
        long calls0 = comm.Traffic.Collectives, reduced0 = comm.Traffic.ReducedBytes, exchanged0 = comm.Traffic.ExchangedBytes;
        TimeSpan reduce0 = times.Reduce;
        RestartSchedule.Outcome outcome = RestartSchedule.Run(solver, options, batch, progress, cancel);
        List<RestartSummary> summaries = outcome.Summaries;
        int best = outcome.Best, steps = outcome.Steps;
        List<IterationHistory> allHistories = outcome.Histories;
        IterationHistory bestHistory = allHistories[best];
        (float[] w, float[] h) = NormaliseAndSort(workspace.BestW, workspace.BestH, workspace.BestGramDiagonal, k, x.NUv, x.NXy);
        PixelMap pixels = x.Pixels.WithCentre(options.Polar.CentreRow ?? x.DetRows / 2.0, options.Polar.CentreCol ?? x.DetCols / 2.0);
        return new NmfResult(options, pixels.Refold(w, k), h, x.ScanRows, x.ScanCols, x.DetRows, x.DetCols,
            summaries, best, bestHistory, xop is DenseXOperand ? kernels.Backend : "managed", $"{kernels.Describe()}; X: {xop.Description}", options.Threads, clock.Elapsed)
        {
            Storage = storage,
            Batch = batch,
            RestartHistories = allHistories,
            Phases = times,
            Pixels = pixels,
            Slab = slab,
            Statistics = stats,
            Communicator = comm.Description,
            Communication = comm.Size == 1 ? null : new RunCommunication(steps, comm.Traffic.Collectives - calls0,
                comm.Traffic.ReducedBytes - reduced0, comm.Traffic.ExchangedBytes - exchanged0, times.Reduce - reduce0),
            Plan = plan,
        };
    }

    // The run plan from the statistics of the whole scan and the largest slab (so every rank picks the same batch and
    // storage); X read as uint16 has no float32 copy for dense float32 storage or a native BLAS to run on.
    private static RunPlan Plan(UnfoldedData x, DataFacts facts, NmfOptions options, KernelSet kernels)
    {
        bool blas = kernels.Products is FactorProductsBlas;
        NmfOptions planned = blas && options.Storage == XStorage.Auto ? options with { Storage = XStorage.Dense } : options;
        RunPlan plan = RunPlan.Create(facts, planned);
        if (x.IsUInt16 && (plan.Storage == XStorage.Dense || blas))
        {
            throw new ArgumentException($"X is held as uint16 counts (UnfoldedData.CreateCounts); {(blas ? "a native BLAS backend" : plan.Storage + " storage")} needs float32 X (UnfoldedData.Create).");
        }

        return plan;
    }

    /// <summary>
    /// The storage <see cref="XStorage.Auto"/> picks for <paramref name="x"/> when <paramref name="stackedComponents"/>
    /// rows (k × restarts per pass) are multiplied with it on the managed kernels for a whole run (a native BLAS takes
    /// float32): for counts, sparse when the measured costs say it beats uint16 at X's density (see
    /// <see cref="ProductSchedule"/>: from about 13 rows on at 37 % nonzeros); for real values, sparse when X is mostly
    /// zeros (≥ 30 %).
    /// </summary>
    public static XStorage ChooseStorage(UnfoldedData x, int stackedComponents)
    {
        ArgumentNullException.ThrowIfNull(x);
        return ChooseStorage(x.NUv, x.Statistics, stackedComponents);
    }

    /// <summary>The storage <see cref="XStorage.Auto"/> picks for X of <paramref name="nUv"/> kept pixels with
    /// statistics <paramref name="stats"/> (see <see cref="ChooseStorage(UnfoldedData, int)"/>; the detector's size no
    /// longer limits sparse storage, the parameter stays for callers).</summary>
    public static XStorage ChooseStorage(int nUv, XStatistics stats, int stackedComponents)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentOutOfRangeException.ThrowIfLessThan(stackedComponents, 1);
        if (new ProductSchedule(stackedComponents, 1, stackedComponents, 0, 1 - stats.ZeroFraction).PicksSparse(stats.IsCounts))
        {
            return XStorage.Sparse;
        }

        return stats.IsCounts ? XStorage.DenseUInt16 : XStorage.Dense;
    }

    /// <summary>From this many stacked rows on, sparse storage beats uint16 on counted data for a whole run (see
    /// <see cref="ProductSchedule"/>).</summary>
    public const int SparseMinimumRowsOverUInt16 = 13;

    /// <summary>Restarts per pass over X for an X of <paramref name="nUv"/> × <paramref name="nXy"/> (for memory planning too).</summary>
    internal static int BatchSize(int nUv, int nXy, NmfOptions options)
    {
        if (!options.BatchRestarts)
        {
            return 1;
        }

        int batch = options.Restarts;
        while (batch > 1 && SolverWorkspace.BytesFor(nUv, nXy, options.Components, batch) > MaxBatchWorkspaceBytes)
        {
            batch = (batch + 1) / 2;
        }

        return batch;
    }

    // Unit L1 norm per diffraction (H rows scaled inversely, WH unchanged), then components ordered by ‖h‖₂ over the
    // whole scan (the scaled square root of HHᵀ's diagonal, so every rank sorts alike), largest first; ties keep their
    // index order so the permutation is deterministic.
    internal static (float[] W, float[] H) NormaliseAndSort(ReadOnlySpan<float> w, ReadOnlySpan<float> h, ReadOnlySpan<double> gramDiagonal, int k, int nUv, int nXy)
    {
        var wn = w.ToArray();
        var hn = h.ToArray();
        var norms = new double[k];
        for (int c = 0; c < k; c++)
        {
            Span<float> wc = wn.AsSpan(c * nUv, nUv);
            Span<float> hc = hn.AsSpan(c * nXy, nXy);
            double l1 = 0;
            foreach (float v in wc)
            {
                l1 += Math.Abs(v);
            }

            double scale = 1;
            if (l1 > 0)
            {
                scale = l1;
                for (int i = 0; i < wc.Length; i++)
                {
                    wc[i] = (float)(wc[i] / l1);
                }

                for (int i = 0; i < hc.Length; i++)
                {
                    hc[i] = (float)(hc[i] * l1);
                }
            }

            norms[c] = scale * Math.Sqrt(Math.Max(0, gramDiagonal[c]));
        }

        int[] order = Enumerable.Range(0, k).OrderByDescending(c => norms[c]).ThenBy(c => c).ToArray();
        var ws = new float[k * nUv];
        var hs = new float[k * nXy];
        for (int i = 0; i < k; i++)
        {
            wn.AsSpan(order[i] * nUv, nUv).CopyTo(ws.AsSpan(i * nUv, nUv));
            hn.AsSpan(order[i] * nXy, nXy).CopyTo(hs.AsSpan(i * nXy, nXy));
        }

        return (ws, hs);
    }

    private static ArgumentException CoarseNeedsOneProcess() =>
        new("a coarse-scan warm start (NmfOptions.CoarseScan) needs the whole scan in one process; run the distributed factorization without it.", "options");
}
