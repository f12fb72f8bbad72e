using FastNmf.Kernels;
using FastNmf.Kernels.Dense;
using FastNmf.Kernels.Lanes;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>
/// Dense X held as uint16 (<see cref="UInt16Frames"/>) with the <see cref="DenseLaneKernels"/> converting on load:
/// every pass reads half the bytes of float32 X. H·X is split across the team by detector columns and folded block by
/// block (<see cref="DenseHXFold"/>), W·Xᵀ split by frames. Because uint16 → float is exact and the kernels are those
/// of <see cref="Kernels.Gemm.FactorProductsLanes"/>, results are bit-identical to dense float32 storage at the same
/// lane width.
/// </summary>
internal sealed unsafe class UInt16XOperand : IXOperand
{
    private readonly UInt16Frames _x;
    private readonly WorkerTeam _team;
    private readonly LaneWidth _width;
    private readonly DenseHXFold _fold;
    private readonly UInt16WXWork _wx;
    private readonly AccumulatorToFactor _finish = new();

    /// <param name="x">The frames; disposed with the operand (pass a borrowed view to keep them).</param>
    /// <param name="width">Lane width of the kernels.</param>
    /// <param name="team">The workers.</param>
    /// <param name="layout">Canonical blocks and pixel grids.</param>
    /// <param name="maxRows">Largest K (k × restarts per pass).</param>
    public UInt16XOperand(UInt16Frames x, LaneWidth width, WorkerTeam team, FoldLayout layout, int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        _x = x;
        _team = team;
        _width = width;
        MaxRows = maxRows;
        _fold = new DenseHXFold(new TileProduct(this), layout, team.Threads, maxRows);
        _wx = new UInt16WXWork(width) { X = _x };
    }

    public string Description => $"dense uint16, {KernelNames.DenseLanes(_width)}";

    public int MaxRows { get; }

    private long AccStride => (_x.Pixels + 7L) & ~7L;

    public long AccumulatorLength(int rows) => rows * AccStride;

    public void AccumulateHX(MatrixView h, double* componentPower, double* acc)
    {
        _fold.H = h;
        _fold.Power = componentPower;
        _fold.Acc = acc;
        _fold.AccStride = AccStride;
        _team.Run(_fold, _fold.Items);
    }

    public void FinishHX(double* acc, MatrixView a)
    {
        _finish.Acc = acc;
        _finish.AccStride = AccStride;
        _finish.A = a;
        _team.Run(_finish, a.Rows);
    }

    public void MultiplyWX(MatrixView w, MatrixView dst)
    {
        _wx.W = w;
        _wx.Dst = dst;
        _team.Run(_wx, _x.Frames, 16);
    }

    public void Dispose()
    {
        _fold.Dispose();
        _x.Dispose();
    }

    private sealed class TileProduct(UInt16XOperand owner) : IDenseTileProduct
    {
        public void Accumulate(MatrixView h, int frame0, int frames, int col0, MatrixView tile) =>
            DenseLanes.AccumulateHX<ushort, UInt16Element>(owner._width, h.ColumnSlice(frame0, frames), owner._x.Frame(frame0) + col0, owner._x.Stride, frames, tile);
    }
}
