using FastNmf.Memory;

namespace FastNmf.Kernels.Gemm;

/// <summary>
/// The textbook reference: straight loops, double accumulation for every sum. Selectable (FASTNMF_KERNELS) and the
/// oracle the accelerated implementations are tested against.
/// </summary>
internal sealed unsafe class FactorProductsScalar : IFactorProducts
{
    public string Name => nameof(FactorProductsScalar);

    public void AccumulateHX(MatrixView h, MatrixView x, MatrixView acc)
    {
        Check.HX(h, x, acc);
        for (int c = 0; c < acc.Rows; c++)
        {
            float* hc = h.RowPointer(c);
            float* ac = acc.RowPointer(c);
            for (int u = 0; u < acc.Cols; u++)
            {
                double sum = 0;
                for (int j = 0; j < x.Rows; j++)
                {
                    sum += (double)hc[j] * x.RowPointer(j)[u];
                }

                ac[u] = (float)(ac[u] + sum);
            }
        }
    }

    public void ProjectWX(MatrixView w, MatrixView x, MatrixView dst)
    {
        Check.WX(w, x, dst);
        for (int j = 0; j < x.Rows; j++)
        {
            float* xj = x.RowPointer(j);
            for (int c = 0; c < w.Rows; c++)
            {
                float* wc = w.RowPointer(c);
                double sum = 0;
                for (int u = 0; u < w.Cols; u++)
                {
                    sum += (double)wc[u] * xj[u];
                }

                dst.RowPointer(c)[j] = (float)sum;
            }
        }
    }

    public void MultiplySmall(ReadOnlySpan<double> m, MatrixView src, MatrixView dst)
    {
        Check.Small(m, src, dst);
        int k = src.Rows;
        for (int n = 0; n < src.Cols; n++)
        {
            for (int r = 0; r < k; r++)
            {
                double sum = 0;
                for (int c = 0; c < k; c++)
                {
                    sum += m[r * k + c] * src.RowPointer(c)[n];
                }

                dst.RowPointer(r)[n] = (float)sum;
            }
        }
    }

    public void Gram(MatrixView a, Span<double> g)
    {
        Check.Gram(a, g);
        int k = a.Rows;
        for (int r = 0; r < k; r++)
        {
            for (int c = 0; c <= r; c++)
            {
                float* ar = a.RowPointer(r);
                float* ac = a.RowPointer(c);
                double sum = 0;
                for (int n = 0; n < a.Cols; n++)
                {
                    sum += (double)ar[n] * ac[n];
                }

                g[r * k + c] = sum;
                g[c * k + r] = sum;
            }
        }
    }
}
