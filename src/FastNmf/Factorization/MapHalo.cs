using FastNmf.Constraints;
using FastNmf.Distributed;
using FastNmf.Memory;

namespace FastNmf.Factorization;

/// <summary>
/// The rows of the neighbouring slabs that [·]_H's convolution needs at the edges of this rank's maps: before the
/// convolution, every restart's k maps send their first rows to the previous rank and their last rows to the next, in
/// one exchange for the whole batch, and receive the neighbours' into <see cref="Above"/> and <see cref="Below"/>.
/// One process, or a 1×1 kernel, exchanges nothing.
/// </summary>
internal sealed class MapHalo
{
    private readonly Communicator _comm;
    private readonly int _k;
    private readonly int _cols;
    private readonly int _rows;
    private readonly float[] _toPrevious;
    private readonly float[] _toNext;
    private readonly float[] _fromPrevious;
    private readonly float[] _fromNext;

    public MapHalo(MapSmoothing geometry, Communicator comm, int k, int batch)
    {
        _comm = comm;
        _k = k;
        _cols = geometry.Cols;
        _rows = geometry.Rows;
        int radius = geometry.Radius;
        int first = geometry.FirstRow, end = geometry.FirstRow + geometry.Rows, scanRows = geometry.ScanRows;
        // What the neighbours' kernels read of this slab: the previous slab's halo below is this slab's first rows, the
        // next slab's halo above its last rows.
        SendUpRows = comm.Rank > 0 ? Math.Min(radius, scanRows - first) : 0;
        SendDownRows = comm.Rank < comm.Size - 1 ? Math.Min(radius, end) : 0;
        AboveRows = geometry.HaloAbove;
        BelowRows = geometry.HaloBelow;
        _toPrevious = new float[batch * k * SendUpRows * _cols];
        _toNext = new float[batch * k * SendDownRows * _cols];
        _fromPrevious = new float[batch * k * AboveRows * _cols];
        _fromNext = new float[batch * k * BelowRows * _cols];
    }

    /// <summary>Rows this slab sends to the previous rank (0 on rank 0).</summary>
    public int SendUpRows { get; }

    /// <summary>Rows this slab sends to the next rank (0 on the last rank).</summary>
    public int SendDownRows { get; }

    /// <summary>Rows received from the previous rank per map.</summary>
    public int AboveRows { get; }

    /// <summary>Rows received from the next rank per map.</summary>
    public int BelowRows { get; }

    /// <summary>Whether anything is exchanged at all.</summary>
    public bool Any => AboveRows + BelowRows + SendUpRows + SendDownRows > 0;

    /// <summary>Why this slab cannot serve its neighbours (thinner than what their kernel reads), or null.</summary>
    public string? Problem => Math.Max(SendUpRows, SendDownRows) > _rows
        ? $"scan rows of this rank ({_rows}) are fewer than the {Math.Max(SendUpRows, SendDownRows)} row(s) the map kernel reads across a slab edge: use a smaller kernel or fewer processes."
        : null;

    /// <summary>Exchanges the edge rows of restarts [0, <paramref name="count"/>)'s maps in <paramref name="maps"/>
    /// (stacked K × local n_xy).</summary>
    public void Exchange(MatrixView maps, int count)
    {
        int up = count * _k * SendUpRows * _cols;
        int down = count * _k * SendDownRows * _cols;
        for (int m = 0; m < count * _k; m++)
        {
            Span<float> map = maps.Row(m);
            map[..(SendUpRows * _cols)].CopyTo(_toPrevious.AsSpan(m * SendUpRows * _cols));
            map[((_rows - SendDownRows) * _cols)..].CopyTo(_toNext.AsSpan(m * SendDownRows * _cols));
        }

        _comm.ExchangeHalo(_toPrevious.AsSpan(0, up), _toNext.AsSpan(0, down),
            _fromPrevious.AsSpan(0, count * _k * AboveRows * _cols), _fromNext.AsSpan(0, count * _k * BelowRows * _cols));
    }

    /// <summary>Restart r's k maps' rows from the previous rank (k × AboveRows × cols).</summary>
    public ReadOnlySpan<float> Above(int r) => _fromPrevious.AsSpan(r * _k * AboveRows * _cols, _k * AboveRows * _cols);

    /// <summary>Restart r's k maps' rows from the next rank (k × BelowRows × cols).</summary>
    public ReadOnlySpan<float> Below(int r) => _fromNext.AsSpan(r * _k * BelowRows * _cols, _k * BelowRows * _cols);
}
