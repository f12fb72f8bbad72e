using System.Numerics.Tensors;
using FastNmf.Memory;

namespace FastNmf.Kernels.Gemm;

/// <summary>
/// Cache-blocked products over <see cref="TensorPrimitives"/> (already Vector512/256 where the hardware has them).
/// AccumulateHX walks X in column blocks of <see cref="BlockColumns"/> so the k accumulator rows of a block stay in
/// L1/L2 while every frame streams through once; sums run in float, in frame order, so the result does not depend
/// on how the caller partitions columns across threads. Uses FMA where TensorPrimitives does.
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

    public void MultiplySmall(ReadOnlySpan<double> m, MatrixView src, MatrixView dst)
    {
        Check.Small(m, src, dst);
        int k = src.Rows;
        for (int r = 0; r < k; r++)
        {
            var d = new Span<float>(dst.RowPointer(r), dst.Cols);
            TensorPrimitives.Multiply(new ReadOnlySpan<float>(src.RowPointer(0), src.Cols), (float)m[r * k], d);
            for (int c = 1; c < k; c++)
            {
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(src.RowPointer(c), src.Cols), (float)m[r * k + c], d, d);
            }
        }
    }

    public void Gram(MatrixView a, Span<double> g)
    {
        // Small (k² · n) and feeds the Cholesky solve and the MSE: keep double accumulation, as the reference does.
        Check.Gram(a, g);
        int k = a.Rows;
        for (int r = 0; r < k; r++)
        {
            float* ar = a.RowPointer(r);
            for (int c = 0; c <= r; c++)
            {
                float* ac = a.RowPointer(c);
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int n = 0;
                for (; n + 4 <= a.Cols; n += 4)
                {
                    s0 += (double)ar[n] * ac[n];
                    s1 += (double)ar[n + 1] * ac[n + 1];
                    s2 += (double)ar[n + 2] * ac[n + 2];
                    s3 += (double)ar[n + 3] * ac[n + 3];
                }

                for (; n < a.Cols; n++)
                {
                    s0 += (double)ar[n] * ac[n];
                }

                double sum = (s0 + s1) + (s2 + s3);
                g[r * k + c] = sum;
                g[c * k + r] = sum;
            }
        }
    }
}
