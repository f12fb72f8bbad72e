using FastNmf.Blas;
using FastNmf.Memory;

namespace FastNmf.Kernels.Gemm;

/// <summary>
/// The two X products as single-precision GEMMs of a native BLAS (row-major CBLAS): <c>acc += H·X</c> and
/// <c>dst = W·Xᵀ</c>. The library threads each call itself, so the caller must not split these across its own workers
/// (<see cref="IFactorProducts.ThreadsItself"/>). The k×k products and Gram matrices stay on the managed kernels.
/// </summary>
internal sealed unsafe class FactorProductsBlas(NativeBlas blas) : IFactorProducts
{

    public string Name => blas.Kind == KernelBackend.Mkl ? "FactorProductsMkl" : "FactorProductsOpenBlas";

    public bool ThreadsItself => true;

    public NativeBlas Library => blas;

    public void AccumulateHX(MatrixView h, MatrixView x, MatrixView acc)
    {
        Check.HX(h, x, acc);
        blas.Sgemm(transB: false, acc.Rows, acc.Cols, h.Cols, 1f, h.Data, h.Stride, x.Data, x.Stride, 1f, acc.Data, acc.Stride);
    }

    public void ProjectWX(MatrixView w, MatrixView x, MatrixView dst)
    {
        Check.WX(w, x, dst);
        blas.Sgemm(transB: true, dst.Rows, dst.Cols, w.Cols, 1f, w.Data, w.Stride, x.Data, x.Stride, 0f, dst.Data, dst.Stride);
    }

    public void MultiplySmall(ReadOnlySpan<double> m, MatrixView src, MatrixView dst) => SmallProducts.Multiply(m, src, dst);

    public void Gram(MatrixView a, Span<double> g) => SmallProducts.Gram(a, g);
}
