using FastNmf.Kernels.Gemm;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>The H-step product of float32 X, <c>dst = W·Xᵀ</c>, split across the team by frames (each frame's values are
/// independent, so no reduction).</summary>
internal sealed class DenseWXWork(IFactorProducts products) : ITeamWork
{
    public MatrixView W { get; set; }

    public MatrixView X { get; set; }

    public MatrixView Dst { get; set; }

    public void Execute(int part, int start, int end) =>
        products.ProjectWX(W, X.RowSlice(start, end - start), Dst.ColumnSlice(start, end - start));
}
