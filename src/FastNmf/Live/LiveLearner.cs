using System.Numerics;
using System.Numerics.Tensors;
using FastNmf.Data;
using FastNmf.Factorization;
using FastNmf.Kernels.Dense;
using FastNmf.Kernels.Lanes;
using FastNmf.Kernels.SmallSolve;
using FastNmf.Memory;

namespace FastNmf.Live;

/// <summary>
/// Learns W while a scan is recorded, from the paper's ALS sufficient statistics: A = Σ x hᵀ and B = Σ h hᵀ (the batch
/// protocol's X Hᵀ and H Hᵀ, Eq. 7), each frame's h projected on the W current when it arrived. It starts with the
/// batch protocol on the first whole scan rows (<see cref="LiveLearnOptions.StartFrames"/>), then every
/// <see cref="LiveLearnOptions.RefreshFrames"/> frames refreshes W = [A B⁻¹] → [·]_W → unit L1 norm per diffraction,
/// rescaling A and B by the norms (W' = W D⁻¹ means h' = D h, so A' = A D, B' = D B D); a component no frame uses
/// any more is re-seeded from the frame W explained worst since the last refresh. The frames are kept (one slot per
/// scan position), so at the end <see cref="Finish"/> projects the whole scan onto the learned W (with [·]_H) and runs
/// the batch protocol warm-started from it.
/// </summary>
/// <remarks>Pushes come from one thread; the snapshot copies may come from another.</remarks>
public sealed unsafe class LiveLearner : ILiveScan, IDisposable
{
    private const int Block = 256;

    private readonly object _gate = new();
    private readonly LiveLearnOptions _options;
    private readonly PixelMap _pixels;
    private readonly int _k;
    private readonly int _n;
    private readonly PositionState[] _states;
    private readonly float[] _maps;
    private readonly double[] _a;
    private readonly double[] _b;
    private readonly double[] _bInverse;
    private readonly double[] _scratch;
    private readonly float[] _h = new float[Block * 64];
    private readonly AlignedBuffer<float> _hT;
    private readonly AlignedBuffer<float> _xh;
    private readonly double[] _residual = new double[Block];
    private readonly float[] _norms;
    private readonly double[] _wRow;
    private readonly ConstrainWWork _constrain;
    private readonly int _refresh;
    private readonly int _startPositions;
    private RecordedFrames<ushort>? _counts;
    private RecordedFrames<float>? _floats;
    private NmfModel? _model;
    private ModelProjector? _projector;
    private long _sinceRefresh;
    private long _worstFrame = -1;
    private double _worstResidual = -1;
    private int _prefix;
    private long _nextRepass;
    private Constraints.MapSmoothing? _smoothing;
    private float[] _smoothed = [];
    private bool _completed;

    /// <summary>A learner for a <paramref name="scanRows"/> × <paramref name="scanCols"/> scan of frames of <paramref name="pixels"/>' geometry.</summary>
    /// <exception cref="ArgumentException">k of 64 or more, or a scan too small to start on.</exception>
    public LiveLearner(PixelMap pixels, int scanRows, int scanCols, LiveLearnOptions options)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(scanRows, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(scanCols, 1);
        _options = options;
        _pixels = pixels;
        _k = options.Batch.Components;
        if (_k is < 1 or > 64)
        {
            throw new ArgumentException($"k = {_k}: live learning takes 1 to 64 components.", nameof(options));
        }

        if (!(options.ForgetFactor is > 0 and <= 1))
        {
            throw new ArgumentException($"forget factor {options.ForgetFactor}: between 0 (exclusive) and 1.", nameof(options));
        }

        ScanRows = scanRows;
        ScanCols = scanCols;
        _n = checked(scanRows * scanCols);
        // About 16 refreshes per scan (each costs a k×k solve per pixel, [·]_W per component and a new Gram), at least a scan row apart.
        _refresh = options.RefreshFrames > 0 ? options.RefreshFrames : Math.Max(Math.Max(256, scanCols), _n / 16);
        int start = options.StartFrames > 0 ? options.StartFrames : Math.Max(8 * _k, 512);
        int startRows = Math.Clamp((start + scanCols - 1) / scanCols, 2, scanRows);
        _startPositions = startRows * scanCols;
        _states = new PositionState[_n];
        _maps = new float[(long)_k * _n];
        _a = new double[(long)_k * pixels.DetectorPixels]; // k × detector pixels, component-major (masked rows unused)
        _hT = new AlignedBuffer<float>((long)_k * Block, "live h block");
        _xh = new AlignedBuffer<float>((long)_k * pixels.DetectorPixels, "live H·X block");
        _b = new double[_k * _k];
        _bInverse = new double[_k * _k];
        _scratch = new double[_k * _k];
        _norms = new float[_k];
        _wRow = new double[pixels.DetectorPixels];
        // As the batch solver: [·]_W for the constrained protocol, [·]₊ for plain ALS and MU.
        DiffractionConstraint kind = options.Batch.Method == NmfMethod.Constrained ? options.Batch.DiffractionConstraint : DiffractionConstraint.NonNegative;
        _constrain = new ConstrainWWork(pixels, kind, options.Batch.Polar, Kernels.KernelSet.CreateDefault(), 1, _k) { Norms = _norms };
        _constrain.Select([true], _k);
    }

    /// <summary>Scan rows.</summary>
    public int ScanRows { get; }

    /// <summary>Scan columns.</summary>
    public int ScanCols { get; }

    /// <inheritdoc/>
    public int Positions => _n;

    /// <inheritdoc/>
    public int DetRows => _pixels.DetRows;

    /// <inheritdoc/>
    public int DetCols => _pixels.DetCols;

    /// <summary>Frames received.</summary>
    public long Received { get; private set; }

    /// <summary>Positions lost.</summary>
    public long Lost { get; private set; }

    /// <summary>W refreshes so far.</summary>
    public int Refreshes { get; private set; }

    /// <summary>Components re-seeded so far.</summary>
    public int Reseeds { get; private set; }

    /// <summary>Whether W exists yet (the start frames are in).</summary>
    public bool HasModel => Volatile.Read(ref _model) is not null;

    /// <summary>The current W as a model (null before the start frames are in).</summary>
    public NmfModel? Model => Volatile.Read(ref _model);

    /// <inheritdoc/>
    public void Push(ReadOnlySpan<ushort> frames, long firstPosition) => Run(frames, firstPosition);

    /// <inheritdoc/>
    public void Push(ReadOnlySpan<float> frames, long firstPosition) => Run(frames, firstPosition);

    /// <inheritdoc/>
    public void MarkLost(long firstPosition, int count)
    {
        lock (_gate)
        {
            CheckRange(firstPosition, count);
            _states.AsSpan((int)firstPosition, count).Fill(PositionState.Lost);
            Lost += count;
        }
    }

    /// <summary>The scan ended: pending positions are lost, W gets its last refresh (or, if the scan ended before the
    /// start frames were in, its start on the rows that did arrive).</summary>
    /// <exception cref="InvalidDataException">fewer than two whole scan rows arrived from the start: nothing to learn from.</exception>
    public void Complete()
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            for (int j = 0; j < _n; j++)
            {
                if (_states[j] == PositionState.Pending)
                {
                    _states[j] = PositionState.Lost;
                    Lost++;
                }
            }

            _completed = true;
            if (_model is null)
            {
                int rows = _prefix / ScanCols;
                if (rows < 2)
                {
                    throw new InvalidDataException($"the scan ended after {_prefix} consecutive frames from its start: at least two whole scan rows ({2 * ScanCols} frames) are needed to learn W.");
                }

                Start(rows);
            }
            else if (_sinceRefresh > 0)
            {
                Refresh();
            }

            Repass(_options.FinalRepasses);
        }
    }

    /// <summary>Passes over every frame so far (<see cref="LiveLearnOptions.Repasses"/>).</summary>
    public int Repasses { get; private set; }

    /// <summary>Each position's state.</summary>
    public void CopyStates(Span<PositionState> states)
    {
        lock (_gate)
        {
            _states.CopyTo(states);
        }
    }

    /// <summary>The maps so far (k × ScanRows × ScanCols): each frame's [h]₊ under the W current when it arrived; 0
    /// where nothing arrived yet (or before W exists).</summary>
    public void CopyMaps(Span<float> h)
    {
        lock (_gate)
        {
            _maps.CopyTo(h);
        }
    }

    /// <summary>The current W (k × DetRows × DetCols, masked pixels 0), or false before it exists.</summary>
    public bool TryCopyW(Span<float> w)
    {
        NmfModel? m = Model;
        if (m is null)
        {
            return false;
        }

        m.W.CopyTo(w);
        return true;
    }

    /// <summary>After <see cref="Complete"/>: the whole scan projected onto the learned W (the model's [·]_H over whole
    /// maps), and unless <see cref="LiveLearnOptions.FinishIterations"/> is 0 or frames were lost, the batch protocol
    /// warm-started from the learned W and that H.</summary>
    public LiveLearnResult Finish(Action<IterationStats>? progress = null, CancellationToken cancel = default)
    {
        if (!_completed || _model is null)
        {
            throw new InvalidOperationException("the scan is not complete: call Complete() first.");
        }

        NmfModel learned = _model;
        using UnfoldedData x = Recorded(ScanRows);
        Projection projection = learned.Project(x, _options.Batch.Threads);
        for (int j = 0; j < _n; j++)
        {
            if (_states[j] == PositionState.Lost)
            {
                projection.Residual[j] = double.NaN; // no frame: as a live projection marks it
                for (int c = 0; c < _k; c++)
                {
                    projection.H[((long)c * _n) + j] = float.NaN;
                }
            }
        }

        NmfResult? finished = null;
        string? skipped = null;
        if (_options.FinishIterations <= 0)
        {
            skipped = "no finish asked for";
        }
        else if (Lost > 0)
        {
            skipped = $"{Lost} position(s) have no frame: the batch protocol would take them for empty diffractions";
        }
        else
        {
            NmfOptions o = _options.Batch with
            {
                Iterations = _options.FinishIterations,
                Restarts = 1,
                InitialW = learned.KeptW.ToArray(),
                InitialH = projection.H,
            };
            finished = Factorizer.Run(x, o, progress, cancel);
        }

        return new LiveLearnResult(learned, projection, finished, skipped, Refreshes, Reseeds);
    }

    /// <summary>Frees the kept frames.</summary>
    public void Dispose()
    {
        _projector?.Dispose();
        _hT.Dispose();
        _xh.Dispose();
        _counts?.Dispose();
        _floats?.Dispose();
    }

    private UnfoldedData Recorded(int rows)
    {
        Data.DetectorMask? mask = _pixels.ToMask();
        return _counts is not null
            ? UnfoldedData.CreateCounts(_counts.FirstRows(rows), mask)
            : UnfoldedData.Create(_floats!.FirstRows(rows), mask);
    }

    private void Run<T>(ReadOnlySpan<T> frames, long firstPosition)
        where T : unmanaged, INumberBase<T>
    {
        int pixels = _pixels.DetectorPixels;
        if (frames.Length % pixels != 0)
        {
            throw new ArgumentException($"{frames.Length} values are not a whole number of {_pixels.DetRows}×{_pixels.DetCols} frames.", nameof(frames));
        }

        int count = frames.Length / pixels;
        lock (_gate)
        {
            CheckRange(firstPosition, count);
            Store(frames, firstPosition);
            _states.AsSpan((int)firstPosition, count).Fill(PositionState.Received);
            Received += count;
            while (_prefix < _n && _states[_prefix] == PositionState.Received)
            {
                _prefix++;
            }

            if (_model is null)
            {
                if (_prefix >= _startPositions)
                {
                    Start(_startPositions / ScanCols);
                }

                return;
            }

            Learn((int)firstPosition, count);
        }
    }

    private void Store<T>(ReadOnlySpan<T> frames, long first)
        where T : unmanaged, INumberBase<T>
    {
        if (typeof(T) == typeof(ushort))
        {
            if (_floats is not null)
            {
                throw new ArgumentException("this scan's frames came as float32: push float32 frames.");
            }

            _counts ??= new RecordedFrames<ushort>(ScanRows, ScanCols, _pixels.DetRows, _pixels.DetCols);
            _counts.Write(System.Runtime.InteropServices.MemoryMarshal.Cast<T, ushort>(frames), first);
        }
        else
        {
            if (_counts is not null)
            {
                throw new ArgumentException("this scan's frames came as uint16: push uint16 frames.");
            }

            _floats ??= new RecordedFrames<float>(ScanRows, ScanCols, _pixels.DetRows, _pixels.DetCols);
            _floats.Write(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(frames), first);
        }
    }

    // The batch protocol on the first rows gives W; then every frame received so far is learned from.
    private void Start(int rows)
    {
        using UnfoldedData x = Recorded(rows);
        NmfOptions o = _options.Batch with { Iterations = _options.StartIterations, Restarts = 1, InitialW = null, InitialH = null, Tolerance = null };
        NmfResult start = Factorizer.Run(x, o);
        SetModel(start.Model.KeptW.ToArray());
        for (int j = 0; j < _n;)
        {
            if (_states[j] != PositionState.Received)
            {
                j++;
                continue;
            }

            int end = j;
            while (end < _n && _states[end] == PositionState.Received)
            {
                end++;
            }

            Learn(j, end - j);
            j = end;
        }

        _nextRepass = 2L * Received;
    }

    // Batch iterations over the frames received: every frame's h on the current W, [·]_H over the maps of the whole
    // scan rows received (as the batch protocol's H-step), then A and B from scratch with those h, then W.
    private void Repass(int passes)
    {
        int k = _k;
        for (int pass = 0; pass < passes; pass++)
        {
            ForEachReceivedRun((first, count) =>
            {
                for (int done = 0; done < count; done += Block)
                {
                    int m = Math.Min(Block, count - done);
                    Project(first + done, m);
                    ToMaps(first + done, m);
                }
            });
            SmoothWholeRows();
            Array.Clear(_a);
            Array.Clear(_b);
            ForEachReceivedRun((first, count) =>
            {
                for (int done = 0; done < count; done += Block)
                {
                    int m = Math.Min(Block, count - done);
                    for (int j = 0; j < m; j++)
                    {
                        for (int c = 0; c < k; c++)
                        {
                            _h[(j * k) + c] = _maps[((long)c * _n) + first + done + j];
                        }
                    }

                    Accumulate(first + done, m);
                }
            });
            Refresh();
            Repasses++;
        }
    }

    private void ForEachReceivedRun(Action<int, int> run)
    {
        for (int j = 0; j < _n;)
        {
            if (_states[j] != PositionState.Received)
            {
                j++;
                continue;
            }

            int end = j;
            while (end < _n && _states[end] == PositionState.Received)
            {
                end++;
            }

            run(j, end - j);
            j = end;
        }
    }

    // [·]_H on the maps of the scan rows received from the start (the rows below them are not there yet): the kernel,
    // then [·]₊, with the rows received taken as the whole map.
    private void SmoothWholeRows()
    {
        NmfOptions o = _options.Batch;
        int rows = _prefix / ScanCols;
        if (o.Method != NmfMethod.Constrained || o.MapConstraint != MapConstraint.Convolution || rows < 1)
        {
            return;
        }

        if (_smoothing is null || _smoothing.Rows != rows)
        {
            _smoothing = new Constraints.MapSmoothing(o.MapKernel, rows, ScanCols, _model!.Kernels.Convolution);
            _smoothed = new float[rows * ScanCols];
        }

        int values = rows * ScanCols;
        for (int c = 0; c < _k; c++)
        {
            Span<float> map = _maps.AsSpan((int)((long)c * _n), values);
            _smoothing.Convolve(map, _smoothed, 1);
            TensorPrimitives.Max(_smoothed.AsSpan(0, values), 0f, map);
        }
    }

    // Frames [first, first + count): h on the current W, into the maps and the statistics; a refresh when due.
    private void Learn(int first, int count)
    {
        for (int done = 0; done < count;)
        {
            int m = (int)Math.Min(Math.Min(Block, count - done), Math.Max(1, _refresh - _sinceRefresh));
            int at = first + done;
            Project(at, m);
            ToMaps(at, m);
            if (_options.ForgetFactor < 1)
            {
                double keep = Math.Pow(_options.ForgetFactor, (double)m / _refresh);
                TensorPrimitives.Multiply(_a, keep, _a);
                TensorPrimitives.Multiply(_b, keep, _b);
            }

            Accumulate(at, m);
            done += m;
            _sinceRefresh += m;
            if (_sinceRefresh >= _refresh)
            {
                Refresh();
                if (Received >= _nextRepass && !_completed)
                {
                    Repass(_options.Repasses);
                    _nextRepass = 2L * Received;
                }
            }
        }
    }

    // h (frame-major, into _h) and the residuals of m frames from position at, on the current W; the worst frame noted.
    private void Project(int at, int m)
    {
        int pixels = _pixels.DetectorPixels;
        Span<float> h = _h.AsSpan(0, m * _k);
        Span<double> residual = _residual.AsSpan(0, m);
        if (_counts is not null)
        {
            _projector!.Project(new ReadOnlySpan<ushort>(_counts.At(at), m * pixels), h, residual);
        }
        else
        {
            _projector!.Project(new ReadOnlySpan<float>(_floats!.At(at), m * pixels), h, residual);
        }

        for (int j = 0; j < m; j++)
        {
            if (residual[j] > _worstResidual)
            {
                _worstResidual = residual[j];
                _worstFrame = at + j;
            }

        }
    }

    private void ToMaps(int at, int m)
    {
        for (int j = 0; j < m; j++)
        {
            for (int c = 0; c < _k; c++)
            {
                _maps[((long)c * _n) + at + j] = _h[(j * _k) + c];
            }
        }
    }

    // A += (H·X)ᵀ and B += h hᵀ for m frames from position at, their h in _h (frame-major): the block's H·X by the
    // batch solver's dense lane kernel in float (uint16 frames read in place), folded into A in double.
    private void Accumulate(int at, int m)
    {
        int pixels = _pixels.DetectorPixels, k = _k;
        ReadOnlySpan<float> h = _h.AsSpan(0, m * k);
        float* ht = _hT.Pointer;
        for (int j = 0; j < m; j++)
        {
            for (int c = 0; c < k; c++)
            {
                ht[(c * m) + j] = h[(j * k) + c];
            }
        }

        _xh.Clear();
        var hView = new MatrixView(ht, k, m, m);
        var acc = new MatrixView(_xh.Pointer, k, pixels, pixels);
        LaneWidth width = _model!.Kernels.DenseWidth;
        if (_counts is not null)
        {
            DenseLanes.AccumulateHX<ushort, UInt16Element>(width, hView, _counts.At(at), pixels, m, acc);
        }
        else
        {
            DenseLanes.AccumulateHX<float, Float32Element>(width, hView, _floats!.At(at), pixels, m, acc);
        }

        for (long i = 0; i < _a.Length; i++)
        {
            _a[i] += _xh.Pointer[i];
        }

        for (int j = 0; j < m; j++)
        {
            ReadOnlySpan<float> hj = h.Slice(j * k, k);
            for (int c = 0; c < k; c++)
            {
                for (int d = 0; d < k; d++)
                {
                    _b[(c * k) + d] += (double)hj[c] * hj[d];
                }
            }
        }
    }

    // W = [A B⁻¹] → [·]_W → unit L1 norm, A and B rescaled by the norms; dead components re-seeded.
    private void Refresh()
    {
        int k = _k, kept = _pixels.KeptCount;
        double maxDiag = 0;
        for (int c = 0; c < k; c++)
        {
            maxDiag = Math.Max(maxDiag, _b[(c * k) + c]);
        }

        for (int c = 0; c < k; c++)
        {
            if (_b[(c * k) + c] <= 1e-9 * maxDiag && _worstFrame >= 0)
            {
                Reseed(c);
                _worstFrame = -1;
            }
        }

        CholeskyInverse.Invert(_b, _bInverse, _scratch, k);
        // W's row c = Σ_d (B⁻¹)_dc · A's row d, over the kept pixels.
        var w = new float[k * kept];
        ReadOnlySpan<int> keptPixels = _pixels.KeptPixels;
        int pixels = _pixels.DetectorPixels;
        double[] row = _wRow;
        for (int c = 0; c < k; c++)
        {
            Array.Clear(row);
            for (int d = 0; d < k; d++)
            {
                TensorPrimitives.MultiplyAdd(_a.AsSpan(d * pixels, pixels), _bInverse[(d * k) + c], row, row);
            }

            Span<float> wc = w.AsSpan(c * kept, kept);
            for (int u = 0; u < kept; u++)
            {
                wc[u] = (float)row[keptPixels[u]];
            }
        }

        fixed (float* wp = w)
        {
            _constrain.W = new MatrixView(wp, k, kept, kept);
            _constrain.Execute(0, 0, k);
        }

        for (int c = 0; c < k; c++)
        {
            double s = _norms[c] > 0 && float.IsFinite(_norms[c]) ? _norms[c] : 1;
            TensorPrimitives.Multiply(_a.AsSpan(c * pixels, pixels), s, _a.AsSpan(c * pixels, pixels));

            for (int d = 0; d < k; d++)
            {
                _b[(c * k) + d] *= s;
                _b[(d * k) + c] *= s;
            }
        }

        SetModel(w);
        _sinceRefresh = 0;
        _worstFrame = -1;
        _worstResidual = -1;
        Refreshes++;
    }

    // Component c explains nothing: it becomes the frame W explained worst (its statistics start again from zero).
    private void Reseed(int c)
    {
        int k = _k, pixels = _pixels.DetectorPixels;
        Span<double> row = _a.AsSpan(c * pixels, pixels);

        for (int d = 0; d < k; d++)
        {
            _b[(c * k) + d] = 0;
            _b[(d * k) + c] = 0;
        }

        // A = x hᵀ with h = 1 for that frame: W's column becomes the frame itself after the solve.
        for (int u = 0; u < pixels; u++)
        {
            row[u] = _counts is not null ? _counts.At(_worstFrame)[u] : _floats!.At(_worstFrame)[u];
        }

        _b[(c * k) + c] = 1;
        Reseeds++;
    }

    private void SetModel(float[] keptW)
    {
        NmfOptions o = _options.Batch;
        MapConstraint map = o.Method == NmfMethod.Constrained ? o.MapConstraint : MapConstraint.NonNegative;
        var model = NmfModel.FromKept(keptW, _k, _pixels, map, o.MapKernel);
        ModelProjector projector = model.CreateProjector(Block);
        _projector?.Dispose();
        _projector = projector;
        Volatile.Write(ref _model, model);
    }

    private void CheckRange(long firstPosition, int count) => PositionChecks.Check(_states, firstPosition, count, ScanCols, _completed);
}
