using FastNmf.Kernels.Dense;
using FastNmf.Kernels.Lanes;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>The H-step product of uint16 X, <c>dst = W·Xᵀ</c> over the frames of <see cref="X"/>, split across the team
/// by frames (each frame's values are independent, so no reduction); the uint16 twin of <see cref="DenseWXWork"/>.</summary>
internal sealed unsafe class UInt16WXWork(LaneWidth width) : ITeamWork
{
    public UInt16Frames X { get; set; } = null!;

    public MatrixView W { get; set; }

    public MatrixView Dst { get; set; }

    public void Execute(int part, int start, int end) =>
        DenseLanes.ProjectWX<ushort, UInt16Element>(width, W, X.Frame(start), X.Stride, end - start, Dst.ColumnSlice(start, end - start));
}
