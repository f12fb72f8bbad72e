using FastNmf.Data;
using FastNmf.Factorization;
using FastNmf.Kernels.Lanes;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Kernels.Dense;

/// <summary>
/// Dense X held as uint16 (<see cref="UInt16Frames"/>) with the <see cref="DenseLaneKernels"/> converting on load:
/// every pass reads half the bytes of float32 X. H·X is split across the team by detector columns, W·Xᵀ by frames.
/// Because uint16 → float is exact and the kernels are shared with <see cref="Gemm.FactorProductsLanes"/>, results are
/// bit-identical to dense float32 storage with the same lane width.
/// </summary>
internal sealed unsafe class UInt16XOperand : IXOperand
{
    private readonly UInt16Frames _x;
    private readonly WorkerTeam _team;
    private readonly LaneWidth _width;
    private readonly HXWork _hx;
    private readonly WXWork _wx;

    public UInt16XOperand(UnfoldedData x, LaneWidth width, WorkerTeam team, int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        _x = UInt16Frames.Create(x);
        _team = team;
        _width = width;
        MaxRows = maxRows;
        _hx = new HXWork(this);
        _wx = new WXWork(this);
    }

    public string Description => $"dense uint16, DenseLanes{_width}";

    public int MaxRows { get; }

    public void MultiplyHX(MatrixView h, MatrixView acc)
    {
        for (int r = 0; r < acc.Rows; r++)
        {
            acc.Row(r).Clear();
        }

        _hx.H = h;
        _hx.Acc = acc;
        _team.Run(_hx, ProductWork.Chunks(_x.Pixels));
    }

    public void MultiplyWX(MatrixView w, MatrixView dst)
    {
        _wx.W = w;
        _wx.Dst = dst;
        _team.Run(_wx, _x.Frames, 16);
    }

    public void Dispose() => _x.Dispose();

    private sealed class HXWork(UInt16XOperand owner) : ITeamWork
    {
        public MatrixView H;
        public MatrixView Acc;

        public void Execute(int part, int start, int end)
        {
            int u0 = start * ProductWork.ColumnChunk;
            int u1 = Math.Min(end * ProductWork.ColumnChunk, Acc.Cols);
            MatrixView acc = Acc.ColumnSlice(u0, u1 - u0);
            UInt16Frames x = owner._x;
            DenseLanes.AccumulateHX<ushort, UInt16Element>(owner._width, H, x.Pointer + u0, x.Stride, x.Frames, acc);
        }
    }

    private sealed class WXWork(UInt16XOperand owner) : ITeamWork
    {
        public MatrixView W;
        public MatrixView Dst;

        public void Execute(int part, int start, int end)
        {
            MatrixView dst = Dst.ColumnSlice(start, end - start);
            UInt16Frames x = owner._x;
            DenseLanes.ProjectWX<ushort, UInt16Element>(owner._width, W, x.Frame(start), x.Stride, end - start, dst);
        }
    }
}
