using System.Numerics.Tensors;
using FastNmf.Memory;

namespace FastNmf.Kernels.Gemm;

/// <summary>
/// Cache-blocked products over <see cref="TensorPrimitives"/> (already Vector512/256 where the hardware has them).
/// AccumulateHX walks X in column blocks of <see cref="BlockColumns"/> so the k accumulator rows of a block stay in
/// L1/L2 while every frame streams through once; sums run in float, in frame order, so the result does not depend
/// on how the caller partitions columns across threads. Uses FMA where TensorPrimitives does. The k×k products and the
/// Gram matrix are <see cref="SmallProducts"/>.
/// </summary>
internal sealed unsafe class FactorProductsTensorPrimitives : IFactorProducts
{
    // 2048 floats = 8 KiB per row: k = 4 accumulator rows plus the streaming frame block fit L1 (48 KiB on Zen 5).
    private const int BlockColumns = 2048;

    public string Name => nameof(FactorProductsTensorPrimitives);

    public void AccumulateHX(MatrixView h, MatrixView x, MatrixView acc)
    {
        Check.HX(h, x, acc);
        int k = acc.Rows;
        for (int u0 = 0; u0 < acc.Cols; u0 += BlockColumns)
        {
            int width = Math.Min(BlockColumns, acc.Cols - u0);
            for (int j = 0; j < x.Rows; j++)
            {
                var xj = new ReadOnlySpan<float>(x.RowPointer(j) + u0, width);
                for (int c = 0; c < k; c++)
                {
                    float hcj = h.RowPointer(c)[j];
                    if (hcj == 0f)
                    {
                        // Maps are sparse after projection; a zero weight adds nothing.
                        continue;
                    }

                    var ac = new Span<float>(acc.RowPointer(c) + u0, width);
                    TensorPrimitives.MultiplyAdd(xj, hcj, ac, ac);
                }
            }
        }
    }

    public void ProjectWX(MatrixView w, MatrixView x, MatrixView dst)
    {
        Check.WX(w, x, dst);
        for (int j = 0; j < x.Rows; j++)
        {
            var xj = new ReadOnlySpan<float>(x.RowPointer(j), x.Cols);
            for (int c = 0; c < w.Rows; c++)
            {
                dst.RowPointer(c)[j] = TensorPrimitives.Dot(new ReadOnlySpan<float>(w.RowPointer(c), w.Cols), xj);
            }
        }
    }

    public void MultiplySmall(ReadOnlySpan<double> m, MatrixView src, MatrixView dst) => SmallProducts.Multiply(m, src, dst);

    // Small (k² · n) and feeds the Cholesky solve and the MSE: double accumulation (SmallProducts).
    public void Gram(MatrixView a, Span<double> g) => SmallProducts.Gram(a, g);
}
