using System.Numerics;
using System.Numerics.Tensors;
using FastNmf.Constraints;
using FastNmf.Kernels.Dense;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Live;

/// <summary>
/// A fitted model's maps of a scan while it is recorded: frames are pushed as they arrive (any block of consecutive
/// scan positions, in any order), each is projected at once (<c>h = [(WᵀW)⁻¹Wᵀx]₊</c>), and with [·]_H a scan row's maps
/// are convolved as soon as every row within the kernel's radius is in. When every row is final the maps and residuals
/// are those of <see cref="NmfModel.Project(Data.UnfoldedData, int)"/> on the whole scan.
/// </summary>
/// <remarks>
/// A lost frame (<see cref="MarkLost"/>, or any position still pending at <see cref="Complete"/>) enters its
/// neighbours' convolution as a map value of 0; its own map values and residual are NaN, and <see cref="CopyStates"/>
/// says which positions they are. Memory is fixed at creation (three k × positions float planes and two per-position
/// doubles); nothing is allocated per push. Pushes come from one thread at a time; the snapshot copies may run on
/// another (a viewer) and see a consistent state.
/// </remarks>
public sealed unsafe class LiveProjection : ILiveScan, IDisposable
{
    private const int MinFramesPerThread = 64;

    private readonly object _gate = new();
    private readonly ModelProjector[] _projectors;
    private readonly WorkerTeam? _team;
    private readonly SolveWork<ushort, UInt16Element> _countsWork;
    private readonly SolveWork<float, Float32Element> _floatsWork;
    private readonly RowMapSmoothing? _smoothing;
    private readonly AlignedBuffer<float> _b;
    private readonly AlignedBuffer<float> _raw;
    private readonly AlignedBuffer<float> _final;
    private readonly double[] _squares;
    private readonly double[] _residual;
    private readonly PositionState[] _states;
    private readonly int[] _rowFilled;
    private readonly int _n;
    private int _finalRows;
    private bool _completed;

    /// <summary>A live projection of a <paramref name="scanRows"/> × <paramref name="scanCols"/> scan onto <paramref name="model"/>.</summary>
    /// <param name="model">The model projected onto.</param>
    /// <param name="scanRows">Scan rows.</param>
    /// <param name="scanCols">Scan columns.</param>
    /// <param name="threads">Threads a push of many frames is split across (a backlog after a burst); 1 keeps the
    /// projection on the pushing thread. The results are the same bits either way.</param>
    public LiveProjection(NmfModel model, int scanRows, int scanCols, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(scanRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scanCols, 1);
        long n = (long)scanRows * scanCols;
        if (n * model.Components > Array.MaxLength)
        {
            throw new ArgumentException($"a {scanRows}×{scanCols} scan of k = {model.Components} maps holds more than {Array.MaxLength} values.");
        }

        Model = model;
        ScanRows = scanRows;
        ScanCols = scanCols;
        _n = (int)n;
        _smoothing = model.MapConstraint == MapConstraint.Convolution
            ? new RowMapSmoothing(model.MapKernel, scanRows, scanCols, model.Kernels.Convolution)
            : null;
        int k = model.Components;
        _projectors = [.. Enumerable.Range(0, threads).Select(_ => model.CreateProjector())];
        _team = threads > 1 ? new WorkerTeam(threads) : null;
        _countsWork = new SolveWork<ushort, UInt16Element>(this);
        _floatsWork = new SolveWork<float, Float32Element>(this);
        _b = new AlignedBuffer<float>((long)k * _n, "live W·x");
        _raw = new AlignedBuffer<float>((long)k * _n, "live (WᵀW)⁻¹W·x");
        _final = new AlignedBuffer<float>((long)k * _n, "live maps");
        _b.AsSpan().Clear();
        _raw.AsSpan().Clear();
        _final.AsSpan().Clear();
        _squares = new double[_n];
        _residual = new double[_n];
        _states = new PositionState[_n];
        _rowFilled = new int[scanRows];
    }

    /// <summary>The model projected onto.</summary>
    public NmfModel Model { get; }

    /// <summary>Scan rows.</summary>
    public int ScanRows { get; }

    /// <summary>Scan columns.</summary>
    public int ScanCols { get; }

    /// <summary>Scan positions: ScanRows × ScanCols.</summary>
    public int Positions => _n;

    /// <inheritdoc/>
    public int DetRows => Model.Pixels.DetRows;

    /// <inheritdoc/>
    public int DetCols => Model.Pixels.DetCols;

    /// <summary>Frames received so far.</summary>
    public long Received { get; private set; }

    /// <summary>Positions marked lost so far.</summary>
    public long Lost { get; private set; }

    /// <summary>Scan rows whose maps are final (the first FinalRows rows).</summary>
    public int FinalRows => Volatile.Read(ref _finalRows);

    /// <summary>Whether <see cref="Complete"/> ran: every position received or lost, every row final.</summary>
    public bool IsComplete => _completed;

    /// <summary>Projects float32 frames for scan positions <paramref name="firstPosition"/>, … (scan order), each a full
    /// DetRows × DetCols detector frame.</summary>
    /// <exception cref="ArgumentException">not whole frames, positions past the scan's end, or a position already
    /// received or lost (a repeated frame would overwrite the scan).</exception>
    /// <exception cref="InvalidOperationException">after <see cref="Complete"/>.</exception>
    public void Push(ReadOnlySpan<float> frames, long firstPosition) => Run<float, Float32Element>(frames, firstPosition);

    /// <summary>Projects uint16 frames (counts, read in place).</summary>
    /// <inheritdoc cref="Push(ReadOnlySpan{float}, long)"/>
    public void Push(ReadOnlySpan<ushort> frames, long firstPosition) => Run<ushort, UInt16Element>(frames, firstPosition);

    /// <summary>Marks <paramref name="count"/> positions from <paramref name="firstPosition"/> as lost (no frame will
    /// come for them).</summary>
    /// <exception cref="ArgumentException">positions outside the scan, or one already received or lost.</exception>
    public void MarkLost(long firstPosition, int count)
    {
        lock (_gate)
        {
            CheckRange(firstPosition, count);
            for (int j = (int)firstPosition; j < firstPosition + count; j++)
            {
                _states[j] = PositionState.Lost;
            }

            Lost += count;
            Advance((int)firstPosition, count);
        }
    }

    /// <summary>Ends the scan: every pending position becomes lost and every row final.</summary>
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
                    _rowFilled[j / ScanCols]++;
                }
            }

            FinishRows();
            _completed = true;
        }
    }

    /// <summary>The maps so far, k × ScanRows × ScanCols: final values in final rows, each received frame's
    /// unsmoothed [h]₊ elsewhere, 0 where nothing arrived yet, NaN where a frame was lost.</summary>
    public void CopyMaps(Span<float> h)
    {
        int k = Model.Components;
        if (h.Length < (long)k * _n)
        {
            throw new ArgumentException($"k × positions = {(long)k * _n} map values, h holds {h.Length}.", nameof(h));
        }

        lock (_gate)
        {
            int finalValues = _finalRows * ScanCols;
            for (int c = 0; c < k; c++)
            {
                Span<float> dst = h.Slice(c * _n, _n);
                _final.AsSpan((long)c * _n, finalValues).CopyTo(dst);
                ReadOnlySpan<float> raw = _raw.AsSpan(((long)c * _n) + finalValues, _n - finalValues);
                if (Model.MapConstraint == MapConstraint.None)
                {
                    raw.CopyTo(dst[finalValues..]);
                }
                else
                {
                    TensorPrimitives.Max(raw, 0f, dst[finalValues..]);
                }

                for (int j = finalValues; j < _n; j++)
                {
                    if (_states[j] == PositionState.Lost)
                    {
                        dst[j] = float.NaN;
                    }
                }
            }
        }
    }

    /// <summary>‖x − Wh‖² per position over the kept pixels, from the final h in final rows and the unsmoothed one
    /// elsewhere; 0 where nothing arrived yet, NaN where a frame was lost.</summary>
    public void CopyResidual(Span<double> residual)
    {
        if (residual.Length < _n)
        {
            throw new ArgumentException($"{_n} positions, residual holds {residual.Length}.", nameof(residual));
        }

        lock (_gate)
        {
            int finalValues = _finalRows * ScanCols;
            _residual.AsSpan(0, finalValues).CopyTo(residual);
            var b = MatrixView.Over(_b, Model.Components, _n, _n);
            var raw = MatrixView.Over(_raw, Model.Components, _n, _n);
            for (int j = finalValues; j < _n; j++)
            {
                residual[j] = _states[j] switch
                {
                    PositionState.Received => FrameProjection.Residual(Model, _squares[j], b, raw, j),
                    PositionState.Lost => double.NaN,
                    _ => 0,
                };
            }
        }
    }

    /// <summary>Each position's state (scan order).</summary>
    public void CopyStates(Span<PositionState> states)
    {
        lock (_gate)
        {
            _states.CopyTo(states);
        }
    }

    /// <summary>The whole scan's projection, after <see cref="Complete"/>: the maps and residuals of
    /// <see cref="NmfModel.Project(Data.UnfoldedData, int)"/> (NaN at lost positions).</summary>
    /// <exception cref="InvalidOperationException">before <see cref="Complete"/>.</exception>
    public Projection ToProjection()
    {
        if (!_completed)
        {
            throw new InvalidOperationException("the scan is not complete: call Complete() first.");
        }

        var h = new float[Model.Components * _n];
        var residual = new double[_n];
        CopyMaps(h);
        CopyResidual(residual);
        return new Projection(h, residual, Model.Components, ScanRows, ScanCols, Model.Pixels.KeptCount, _smoothing is not null);
    }

    /// <summary>Frees the planes.</summary>
    public void Dispose()
    {
        foreach (ModelProjector p in _projectors)
        {
            p.Dispose();
        }

        _team?.Dispose();
        _b.Dispose();
        _raw.Dispose();
        _final.Dispose();
    }

    private void Run<T, TE>(ReadOnlySpan<T> frames, long firstPosition)
        where T : unmanaged, INumberBase<T>
        where TE : struct, IXElement<T>
    {
        int pixels = Model.Pixels.DetectorPixels;
        if (frames.Length % pixels != 0)
        {
            throw new ArgumentException($"{frames.Length} values are not a whole number of {Model.Pixels.DetRows}×{Model.Pixels.DetCols} frames.", nameof(frames));
        }

        int count = frames.Length / pixels;
        lock (_gate)
        {
            CheckRange(firstPosition, count);
            fixed (T* all = frames)
            {
                if (_team is null || count < 2 * MinFramesPerThread)
                {
                    Solve<T, TE>(_projectors[0], all, (int)firstPosition, 0, count);
                }
                else
                {
                    var work = (SolveWork<T, TE>)(object)(typeof(T) == typeof(ushort) ? _countsWork : _floatsWork);
                    work.Frames = all;
                    work.FirstPosition = (int)firstPosition;
                    _team.Run(work, count, MinFramesPerThread);
                    work.Frames = null;
                }
            }

            _states.AsSpan((int)firstPosition, count).Fill(PositionState.Received);
            Received += count;
            Advance((int)firstPosition, count);
        }
    }

    // Frames [start, end) of a push (first at position firstPosition): b, raw and ‖x‖² into the whole scan's planes.
    private void Solve<T, TE>(ModelProjector projector, T* frames, int firstPosition, int start, int end)
        where T : unmanaged, INumberBase<T>
        where TE : struct, IXElement<T>
    {
        int k = Model.Components, pixels = Model.Pixels.DetectorPixels;
        var b = MatrixView.Over(_b, k, _n, _n);
        var raw = MatrixView.Over(_raw, k, _n, _n);
        for (int done = start; done < end; done += projector.MaxFramesPerCall)
        {
            int step = Math.Min(projector.MaxFramesPerCall, end - done);
            int first = firstPosition + done;
            projector.Solve<T, TE>(frames + ((long)done * pixels), step, b.ColumnSlice(first, step), raw.ColumnSlice(first, step), _squares.AsSpan(first, step));
        }
    }

    private void CheckRange(long firstPosition, int count) => PositionChecks.Check(_states, firstPosition, count, ScanCols, _completed);

    // Counts the new positions into their rows and finishes every row whose neighbourhood is now complete.
    private void Advance(int first, int count)
    {
        for (int j = first; j < first + count;)
        {
            int row = j / ScanCols;
            int inRow = Math.Min(first + count, (row + 1) * ScanCols) - j;
            _rowFilled[row] += inRow;
            j += inRow;
        }

        FinishRows();
    }

    private void FinishRows()
    {
        int radius = _smoothing?.Radius ?? 0;
        while (_finalRows < ScanRows)
        {
            int last = Math.Min(ScanRows - 1, _finalRows + radius);
            for (int r = _finalRows; r <= last; r++)
            {
                if (_rowFilled[r] < ScanCols)
                {
                    return;
                }
            }

            FinishRow(_finalRows);
            Volatile.Write(ref _finalRows, _finalRows + 1);
        }
    }

    // The row's final maps ([·]_H's convolution then [·]₊, or [·]₊, or nothing), then its residuals from them.
    private void FinishRow(int row)
    {
        int k = Model.Components, cols = ScanCols, start = row * cols;
        for (int c = 0; c < k; c++)
        {
            Span<float> rawMap = _raw.AsSpan((long)c * _n, _n);
            Span<float> finalRow = _final.AsSpan(((long)c * _n) + start, cols);
            if (_smoothing is not null)
            {
                _smoothing.Smooth(row, rawMap, finalRow);
                TensorPrimitives.Max(finalRow, 0f, finalRow);
            }
            else if (Model.MapConstraint == MapConstraint.None)
            {
                rawMap.Slice(start, cols).CopyTo(finalRow);
            }
            else
            {
                TensorPrimitives.Max(rawMap.Slice(start, cols), 0f, finalRow);
            }
        }

        var b = MatrixView.Over(_b, k, _n, _n);
        var h = MatrixView.Over(_final, k, _n, _n);
        for (int j = start; j < start + cols; j++)
        {
            if (_states[j] == PositionState.Lost)
            {
                _residual[j] = double.NaN;
                for (int c = 0; c < k; c++)
                {
                    h.RowPointer(c)[j] = float.NaN;
                }
            }
            else
            {
                _residual[j] = FrameProjection.Residual(Model, _squares[j], b, h, j);
            }
        }
    }

    private sealed class SolveWork<T, TE>(LiveProjection owner) : ITeamWork
        where T : unmanaged, INumberBase<T>
        where TE : struct, IXElement<T>
    {
        public T* Frames { get; set; }

        public int FirstPosition { get; set; }

        public void Execute(int part, int start, int end) => owner.Solve<T, TE>(owner._projectors[part], Frames, FirstPosition, start, end);
    }
}
