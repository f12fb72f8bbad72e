using FastNmf.Analysis;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.IO;
using FastNmf.Native.Abi;
using FastNmf.Native.Errors;

namespace FastNmf.Native.Handles;

/// <summary>
/// What one <c>fastnmf_factorizer*</c> holds: the options, mask, map kernel and progress callback for its runs, and
/// the result of the last successful one. Used by one call at a time (<see cref="TryEnter"/>).
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

    /// <summary>The last successful run's result; null before one and after a failed or cancelled run.</summary>
    public NmfResult? Result { get; private set; }

    /// <summary>The analysis of <see cref="Result"/>; dropped with it.</summary>
    public AnalysisResult? Analysis { get; private set; }

    public bool IsDestroyed => _destroyed;

    public bool TryEnter() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void Exit() => Volatile.Write(ref _busy, 0);

    /// <summary>Called with the session held by destroy, which keeps it held for good.</summary>
    public void MarkDestroyed()
    {
        _destroyed = true;
        ClearResult();
        _callback = null;
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

    /// <summary>Unfolds <paramref name="source"/> (with this session's mask) and factorizes it with this session's
    /// options, kernel and callback; keeps the result.</summary>
    public void Run(FrameSource source)
    {
        ClearResult();
        NmfOptions options = MapKernel is null ? Options : Options with { MapKernel = MapKernel };
        // uint16 data stay 2 bytes per value from the caller's buffer to X, unless float32 storage or a BLAS needs float32.
        bool float32 = options.Storage == XStorage.Dense || options.Backend is KernelBackend.OpenBlas or KernelBackend.Mkl;
        using UnfoldedData x = source.SourceDtype == "uint16" && !float32 ? UnfoldedData.CreateCounts(source, Mask) : UnfoldedData.Create(source, Mask);
        using var cancel = new CancellationTokenSource();
        Action<IterationStats>? progress = _callback == null ? null : s => Report(s, options.Iterations, cancel);
        NmfResult result = Factorizer.Run(x, options, progress, cancel.Token);
        // A request on the very last iteration is not seen by the solver's per-iteration check: honour it here, so a
        // nonzero return always means CANCELLED.
        cancel.Token.ThrowIfCancellationRequested();
        Result = result;
        _resultMask = Mask;
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
