using FastNmf.Kernels.Gemm;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Factorization;

/// <summary>
/// The parallel drivers of the X products, each a reusable work item for the <see cref="WorkerTeam"/>: A = H·X split by
/// detector columns (no reduction needed), B = W·Xᵀ split by frames, and the small k×k products split by columns.
/// Column chunks are multiples of 64 floats so every part starts cache-line aligned.
/// </summary>
internal sealed class ProductWork
{
    public const int ColumnChunk = 256;

    public ProductWork(IFactorProducts products)
    {
        HX = new HXWork(products);
        WX = new WXWork(products);
        Small = new SmallWork(products);
    }

    public HXWork HX { get; }

    public WXWork WX { get; }

    public SmallWork Small { get; }

    public static int Chunks(int columns) => (columns + ColumnChunk - 1) / ColumnChunk;

    internal sealed class HXWork(IFactorProducts products) : ITeamWork
    {
        public MatrixView H;
        public MatrixView X;
        public MatrixView Acc;

        public void Execute(int part, int start, int end)
        {
            int u0 = start * ColumnChunk;
            int u1 = Math.Min(end * ColumnChunk, Acc.Cols);
            products.AccumulateHX(H, X.ColumnSlice(u0, u1 - u0), Acc.ColumnSlice(u0, u1 - u0));
        }
    }

    internal sealed class WXWork(IFactorProducts products) : ITeamWork
    {
        public MatrixView W;
        public MatrixView X;
        public MatrixView Dst;

        public void Execute(int part, int start, int end) =>
            products.ProjectWX(W, X.RowSlice(start, end - start), Dst.ColumnSlice(start, end - start));
    }

    internal sealed class SmallWork(IFactorProducts products) : ITeamWork
    {
        public double[] M = [];
        public MatrixView Src;
        public MatrixView Dst;

        public void Execute(int part, int start, int end)
        {
            int c0 = start * ColumnChunk;
            int c1 = Math.Min(end * ColumnChunk, Src.Cols);
            products.MultiplySmall(M, Src.ColumnSlice(c0, c1 - c0), Dst.ColumnSlice(c0, c1 - c0));
        }
    }
}
