using FastNmf.Memory;

namespace FastNmf.Kernels.Gemm;

/// <summary>Shape contracts shared by every <see cref="IFactorProducts"/> implementation, checked once per call.</summary>
internal static class Check
{
    public static void HX(MatrixView h, MatrixView x, MatrixView acc)
    {
        if (h.Cols != x.Rows || acc.Rows != h.Rows || acc.Cols != x.Cols)
        {
            throw new ArgumentException($"H·X shapes: h {h.Rows}×{h.Cols}, x {x.Rows}×{x.Cols}, acc {acc.Rows}×{acc.Cols}.");
        }
    }

    public static void WX(MatrixView w, MatrixView x, MatrixView dst)
    {
        if (w.Cols != x.Cols || dst.Rows != w.Rows || dst.Cols != x.Rows)
        {
            throw new ArgumentException($"W·Xᵀ shapes: w {w.Rows}×{w.Cols}, x {x.Rows}×{x.Cols}, dst {dst.Rows}×{dst.Cols}.");
        }
    }

    public static void Small(ReadOnlySpan<double> m, MatrixView src, MatrixView dst)
    {
        if (m.Length != src.Rows * src.Rows || dst.Rows != src.Rows || dst.Cols != src.Cols)
        {
            throw new ArgumentException($"small product: m {m.Length}, src {src.Rows}×{src.Cols}, dst {dst.Rows}×{dst.Cols}.");
        }
    }

    public static void Gram(MatrixView a, Span<double> g)
    {
        if (g.Length != a.Rows * a.Rows)
        {
            throw new ArgumentException($"Gram: a {a.Rows}×{a.Cols}, g {g.Length}.");
        }
    }
}
