using System.Numerics;
using FastNmf.Kernels.Dense;
using FastNmf.Memory;

namespace FastNmf;

/// <summary>
/// Projects frames onto an <see cref="NmfModel"/>'s W, any number per call and in any blocks: for each frame (a full
/// detector frame, DetRows × DetCols row-major, float32 or uint16) its k map values <c>h = [(WᵀW)⁻¹ Wᵀ x]₊</c> over
/// the kept pixels, and its residual ‖x − Wh‖². Frame by frame there is no map to smooth, so [·]_H's convolution is not
/// applied (see <see cref="NmfModel.Project(Data.UnfoldedData, int)"/> for whole scans); with <see cref="MapConstraint.None"/> h is not clipped.
/// </summary>
/// <remarks>Nothing is allocated per call: the scratch for <see cref="MaxFramesPerCall"/> frames is rented once, and
/// longer calls run in steps of that many. Not thread-safe: create one projector per thread (the model is shared).</remarks>
public sealed unsafe class ModelProjector : IDisposable
{
    private readonly NmfModel _model;
    private readonly AlignedBuffer<float> _frames;
    private readonly AlignedBuffer<float> _b;
    private readonly AlignedBuffer<float> _raw;
    private readonly double[] _squares;
    private readonly long _stride;

    internal ModelProjector(NmfModel model, int maxFramesPerCall)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFramesPerCall, 1);
        _model = model;
        MaxFramesPerCall = maxFramesPerCall;
        int k = model.Components;
        _stride = (model.Pixels.KeptCount + 15L) & ~15L;
        // Kept pixels are gathered (and uint16 widened) only when the model masks some; otherwise frames are read in place.
        _frames = new AlignedBuffer<float>(model.Pixels.KeepsAll ? 1 : maxFramesPerCall * _stride, "projector frames");
        _b = new AlignedBuffer<float>((long)k * maxFramesPerCall, "projector W·x");
        _raw = new AlignedBuffer<float>((long)k * maxFramesPerCall, "projector solve");
        _squares = new double[maxFramesPerCall];
    }

    /// <summary>Frames per internal step (calls may pass any number).</summary>
    public int MaxFramesPerCall { get; }

    /// <summary>The model projected onto.</summary>
    public NmfModel Model => _model;

    /// <summary>Projects float32 frames.</summary>
    /// <param name="frames">n × DetRows × DetCols values, frame after frame.</param>
    /// <param name="h">n × k map values, frame after frame (each frame's k values together).</param>
    /// <param name="residual">n values ‖x − Wh‖² (sums over the kept pixels), or empty to skip them.</param>
    /// <exception cref="ArgumentException">a length that is not a whole number of frames, or an output too short.</exception>
    public void Project(ReadOnlySpan<float> frames, Span<float> h, Span<double> residual) => Run<float, Float32Element>(frames, h, residual);

    /// <summary>Projects uint16 frames (counts; read in place, never widened into a copy unless pixels are masked).</summary>
    /// <inheritdoc cref="Project(ReadOnlySpan{float}, Span{float}, Span{double})"/>
    public void Project(ReadOnlySpan<ushort> frames, Span<float> h, Span<double> residual) => Run<ushort, UInt16Element>(frames, h, residual);

    /// <summary>Frees the scratch.</summary>
    public void Dispose()
    {
        _frames.Dispose();
        _b.Dispose();
        _raw.Dispose();
    }

    private void Run<T, TE>(ReadOnlySpan<T> frames, Span<float> h, Span<double> residual)
        where T : unmanaged, INumberBase<T>
        where TE : struct, IXElement<T>
    {
        int pixels = _model.Pixels.DetectorPixels;
        int k = _model.Components;
        if (frames.Length % pixels != 0)
        {
            throw new ArgumentException($"{frames.Length} values are not a whole number of {_model.Pixels.DetRows}×{_model.Pixels.DetCols} frames.", nameof(frames));
        }

        int n = frames.Length / pixels;
        if (h.Length < (long)n * k)
        {
            throw new ArgumentException($"{n} frames need {(long)n * k} map values, h holds {h.Length}.", nameof(h));
        }

        if (!residual.IsEmpty && residual.Length < n)
        {
            throw new ArgumentException($"{n} frames need {n} residuals, residual holds {residual.Length}.", nameof(residual));
        }

        fixed (T* all = frames)
        {
            for (int first = 0; first < n; first += MaxFramesPerCall)
            {
                int count = Math.Min(MaxFramesPerCall, n - first);
                var b = new MatrixView(_b.Pointer, k, count, count);
                var raw = new MatrixView(_raw.Pointer, k, count, count);
                Solve<T, TE>(all + ((long)first * pixels), count, b, raw, _squares);
                Finish(raw, b, count, h.Slice(first * k, count * k), residual.IsEmpty ? default : residual.Slice(first, count));
            }
        }
    }

    /// <summary>For up to <see cref="MaxFramesPerCall"/> full detector frames at <paramref name="x"/>: b = W x,
    /// raw = (WᵀW)⁻¹ b (k × count views, which may be column slices of a whole scan's) and ‖x‖² over the kept pixels.
    /// The step every projection shares: frames are read in place, or their kept pixels gathered when the model masks some.</summary>
    internal void Solve<T, TE>(T* x, int count, MatrixView b, MatrixView raw, Span<double> squares)
        where T : unmanaged, INumberBase<T>
        where TE : struct, IXElement<T>
    {
        if (count > MaxFramesPerCall)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"at most {MaxFramesPerCall} frames per step.");
        }

        if (_model.Pixels.KeepsAll)
        {
            FrameProjection.Solve<T, TE>(_model, _model.Kernels.DenseWidth, x, _model.Pixels.DetectorPixels, count, b, raw, squares);
        }
        else
        {
            Gather(x, count);
            FrameProjection.Solve<float, Float32Element>(_model, _model.Kernels.DenseWidth, _frames.Pointer, _stride, count, b, raw, squares);
        }
    }

    // The kept pixels of each frame, as float32 rows.
    private void Gather<T>(T* x, int count)
        where T : unmanaged, INumberBase<T>
    {
        ReadOnlySpan<int> kept = _model.Pixels.KeptPixels;
        int pixels = _model.Pixels.DetectorPixels;
        for (int j = 0; j < count; j++)
        {
            T* f = x + ((long)j * pixels);
            float* d = _frames.Pointer + (j * _stride);
            for (int u = 0; u < kept.Length; u++)
            {
                d[u] = float.CreateTruncating(f[kept[u]]);
            }
        }
    }

    // [·]₊ (unless the model's constraint is None), frame-major out, and the residual of the final h.
    private void Finish(MatrixView raw, MatrixView b, int count, Span<float> h, Span<double> residual)
    {
        int k = _model.Components;
        bool clip = _model.MapConstraint != MapConstraint.None;
        for (int c = 0; c < k; c++)
        {
            float* row = raw.RowPointer(c);
            for (int j = 0; j < count; j++)
            {
                float v = clip ? Math.Max(row[j], 0f) : row[j];
                row[j] = v;
                h[(j * k) + c] = v;
            }
        }

        for (int j = 0; j < residual.Length; j++)
        {
            residual[j] = FrameProjection.Residual(_model, _squares[j], b, raw, j);
        }
    }
}
