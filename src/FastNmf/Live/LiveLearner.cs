using System.Numerics;
using FastNmf.Data;
using FastNmf.Factorization;
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
public sealed unsafe partial class LiveLearner : ILiveScan, IDisposable
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
    private long _sinceRefresh;
    private long _worstFrame = -1;
    private double _worstResidual = -1;
    private int _prefix;
    private long _nextRepass;
    private Constraints.MapSmoothing? _smoothing;
    private float[] _smoothed = [];
    private bool _completed;

    /// <summary>A learner for a <paramref name="scanRows"/> × <paramref name="scanCols"/> scan of frames of <paramref name="pixels"/>' geometry.</summary>
    /// <exception cref="ArgumentException">a setting out of range (see <see cref="LiveLearnOptions"/>), or a scan too small to start on.</exception>
    public LiveLearner(PixelMap pixels, int scanRows, int scanCols, LiveLearnOptions options)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(scanRows, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(scanCols, 1);
        options.Validate();

        // Live learning runs the paper's plain protocol throughout (start, refreshes, finish): removing the amorphous
        // share from W would need the accumulated statistics carried through the same change of basis, which the
        // refreshes do not do yet, so a removal in the start alone would be undone by the first refresh.
        _options = options with { Batch = options.Batch with { RemoveAmorphousShare = false } };
        _pixels = pixels;
        _k = options.Batch.Components;

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
        _team = options.Batch.Threads > 1 ? new Kernels.Threading.WorkerTeam(options.Batch.Threads) : null;
        _projectWork = new ProjectWork(this);
        _accumulateWork = new AccumulateWork(this);
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

    /// <summary>The first positions (whole scan rows) whose frames start W: the batch protocol runs on them once they are in.</summary>
    public int StartPositions => _startPositions;

    /// <summary>Whether <see cref="Complete"/> was called.</summary>
    public bool IsComplete => Volatile.Read(ref _completed);

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

                if (_states[j] == PositionState.Lost)
                {
                    _counts?.Clear(j); // the store is not cleared: a position without a frame reads as zeros
                    _floats?.Clear(j);
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
        foreach (ModelProjector p in _projectors)
        {
            p.Dispose();
        }

        _team?.Dispose();
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

    private void CheckRange(long firstPosition, int count) => PositionChecks.Check(_states, firstPosition, count, ScanCols, _completed);
}
