using FastNmf.Kernels.Gemm;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Factorization;

/// <summary>The small k×k products <c>dst = M·src</c> split across the team by columns (chunks of 256, cache-line
/// aligned), for a restart whose step runs alone; a product's columns are independent, so the bits do not depend on
/// the split.</summary>
internal sealed class ProductsSmallWork(IFactorProducts products) : ITeamWork
{
    public const int ColumnChunk = 256;

    public double[] M { get; set; } = [];

    public MatrixView Src { get; set; }

    public MatrixView Dst { get; set; }

    public static int Chunks(int columns) => (columns + ColumnChunk - 1) / ColumnChunk;

    public void Execute(int part, int start, int end)
    {
        int c0 = start * ColumnChunk;
        int c1 = Math.Min(end * ColumnChunk, Src.Cols);
        products.MultiplySmall(M, Src.ColumnSlice(c0, c1 - c0), Dst.ColumnSlice(c0, c1 - c0));
    }
}
