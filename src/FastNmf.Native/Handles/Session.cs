using FastNmf.Analysis;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.Distributed.Mpi;
using FastNmf.IO;
using FastNmf.Native.Abi;
using FastNmf.Native.Errors;

namespace FastNmf.Native.Handles;

/// <summary>
/// What one <c>fastnmf_factorizer*</c> holds: the options, mask, map kernel, progress callback and MPI communicator for
/// its runs, and the result of the last successful one. Used by one call at a time (<see cref="TryEnter"/>).
/// </summary>
internal sealed unsafe class Session : IHandleObject
{
    private int _busy;
    private volatile bool _destroyed;
    private delegate* unmanaged[Cdecl]<void*, NativeProgress*, int> _callback;
    private void* _userData;

    // The mask Result was computed with: the analysis leaves the same pixels out.
    private DetectorMask? _resultMask;

    public Session(NmfOptions options) => Options = options;

    /// <summary>Options of the next run (the map kernel is applied at run time).</summary>
    public NmfOptions Options { get; set; }

    public DetectorMask? Mask { get; set; }

    /// <summary>The map kernel set through the ABI; null keeps the paper's.</summary>
    public ConvolutionKernel? MapKernel { get; set; }

    /// <summary>The protocol choice set through the ABI (<c>fastnmf_factorizer_set_protocol</c>); kept across set_params.</summary>
    public bool RemoveAmorphousShare { get; set; } = true;

    /// <summary>[·]_W's fill route set through the ABI; kept across set_params.</summary>
    public PolarFillRoute FillRoute { get; set; } = PolarFillRoute.Pixel;

    /// <summary>The fast mode set through the ABI (<c>fastnmf_factorizer_set_fast</c>); kept across set_params, applied
    /// by <see cref="Run"/> once the scan's shape is known.</summary>
    public FastLevers Fast { get; set; } = FastLevers.Off;

    /// <summary>What a run uses: <see cref="Options"/> with the map kernel and the protocol choices set apart from them.</summary>
    public NmfOptions RunOptions => (MapKernel is null ? Options : Options with { MapKernel = MapKernel }) with
    {
        RemoveAmorphousShare = RemoveAmorphousShare,
        Polar = Options.Polar with { Route = FillRoute },
    };

    /// <summary>The last successful run's result; null before one and after a failed or cancelled run.</summary>
    public NmfResult? Result { get; private set; }

    /// <summary>The analysis of <see cref="Result"/>; dropped with it.</summary>
    public AnalysisResult? Analysis { get; private set; }

    /// <summary>The ranks later runs are shared with (FastNmf's own duplicate of the host's communicator), or null for
    /// one process.</summary>
    public MpiCommunicator? Communicator { get; private set; }

    public bool IsDestroyed => _destroyed;

    /// <summary>Replaces the communicator (freeing FastNmf's duplicate of the previous one); null: one process.</summary>
    public void SetCommunicator(MpiCommunicator? communicator)
    {
        ClearResult();
        Communicator?.Dispose();
        Communicator = communicator;
    }

    /// <summary>Where a run's frames sit in the scan: the whole scan in one process, or this rank's slab
    /// (<see cref="ScanSlab.ForRank"/>) when a communicator is set.</summary>
    public ScanSlab SlabOfWholeScan(int scanRows, int scanCols) =>
        Communicator is null ? ScanSlab.Whole(scanRows, scanCols) : ScanSlab.ForRank(scanRows, scanCols, Communicator.Rank, Communicator.Size);

    public bool TryEnter() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void Exit() => Volatile.Write(ref _busy, 0);

    /// <summary>Called with the session held by destroy, which keeps it held for good.</summary>
    public void MarkDestroyed()
    {
        _destroyed = true;
        ClearResult();
        _callback = null;
        Communicator?.Dispose();
        Communicator = null;
    }

    public void SetProgress(delegate* unmanaged[Cdecl]<void*, NativeProgress*, int> callback, void* userData)
    {
        _callback = callback;
        _userData = userData;
    }

    /// <summary>The result of the last run, or <see cref="Status.NoResult"/>.</summary>
    public NmfResult RequireResult() =>
        Result ?? throw new CApiException(Status.NoResult, "no result: run fastnmf_factorizer_run_f32/_u16 successfully first.");

    /// <summary>The analysis of the last result, or <see cref="Status.NoResult"/>.</summary>
    public AnalysisResult RequireAnalysis() =>
        Analysis ?? throw new CApiException(Status.NoResult, "no analysis: call fastnmf_factorizer_analyze after a successful run first.");

    /// <summary>Analyses the last result with the factorization's polar settings and mask.</summary>
    public void Analyze(AnalysisOptions options)
    {
        NmfResult result = RequireResult();
        if (!result.Slab.IsWhole)
        {
            throw new CApiException(Status.InvalidArgument,
                $"this rank holds scan rows [{result.Slab.FirstRow}, {result.Slab.FirstRow + result.Slab.Rows}) of H only: analyse the whole result in one process (gather every rank's fastnmf_factorizer_get_h, or run `fastnmf factorize --distributed --report`).");
        }

        Analysis = null;
        Analysis = ComponentAnalysis.Run(result, options with { Mask = _resultMask });
    }

    /// <summary>Drops the last result (a run replaces it, and a failed run leaves none).</summary>
    public void ClearResult()
    {
        Result = null;
        _resultMask = null;
        Analysis = null;
    }

    /// <summary>Unfolds the frames <paramref name="open"/> gives (with this session's mask; where they sit in the scan)
    /// and factorizes them with this session's options, kernel, callback and communicator; keeps the result. With a
    /// communicator every rank's problem before the factorization (a bad layout, slab or value) is agreed on, so every
    /// rank fails with it and none waits; a cancellation on any rank cancels every rank.</summary>
    public void Run(Func<(FrameSource Frames, ScanSlab Slab)> open)
    {
        ClearResult();
        NmfOptions options = RunOptions;
        Communicator comm = Communicator ?? (Communicator)FastNmf.Distributed.Communicator.Single;
        UnfoldedData? read = null;
        Exception? failure = null;
        try
        {
            read = Read(open, options);
        }
        catch (Exception e) when (comm.Size > 1)
        {
            failure = e;
        }

        using UnfoldedData? unfolded = read;
        // Sent with its status, so every rank returns the one the failing rank does.
        Collective.AgreeOn(comm, failure, failure is null ? null : ErrorBoundary.StatusKind(failure));
        using var cancel = new CancellationTokenSource();
        // The fast levers by the whole scan's shape (every rank's slab knows it; with ranks the preset adds no binned stage).
        NmfOptions run = Fast.Apply(options, read!.Slab.ScanRows, read.Slab.ScanCols, comm.Size > 1);
        Action<IterationStats>? progress = _callback == null ? null : s => Report(s, run.Iterations, cancel);
        NmfResult result = Factorizer.Run(read!, run, comm, progress, cancel.Token);
        // A request on the very last iteration is not seen by the solver's per-iteration check: honour it here (on every
        // rank alike), so a nonzero return always means CANCELLED.
        Span<double> cancelled = [cancel.IsCancellationRequested ? 1 : 0];
        comm.AllreduceMax(cancelled);
        if (cancelled[0] != 0)
        {
            throw new OperationCanceledException();
        }

        Result = result;
        _resultMask = Mask;
    }

    // uint16 data stay 2 bytes per value from the caller's buffer to X, unless float32 storage or a BLAS needs float32.
    private UnfoldedData Read(Func<(FrameSource Frames, ScanSlab Slab)> open, NmfOptions options)
    {
        (FrameSource frames, ScanSlab slab) = open();
        using FrameSource source = frames;
        bool float32 = options.Storage == XStorage.Dense || options.Backend is KernelBackend.OpenBlas or KernelBackend.Mkl;
        return source.SourceDtype == "uint16" && !float32
            ? XReader.ReadCounts(source, Mask, clipNegative: false, progress: null, slab)
            : XReader.ReadFloat32(source, Mask, check: true, clipNegative: false, progress: null, slab);
    }

    private void Report(IterationStats s, int iterations, CancellationTokenSource cancel)
    {
        if (cancel.IsCancellationRequested)
        {
            return;
        }

        var p = new NativeProgress
        {
            StructSize = (uint)sizeof(NativeProgress),
            Restart = s.Restart,
            Iteration = s.Iteration,
            Iterations = iterations,
            Mse = s.Mse,
            DeltaW = s.DeltaW,
            DeltaH = s.DeltaH,
        };
        if (_callback(_userData, &p) != 0)
        {
            cancel.Cancel();
        }
    }
}
