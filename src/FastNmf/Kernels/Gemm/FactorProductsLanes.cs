using FastNmf.Kernels.Dense;
using FastNmf.Kernels;
using FastNmf.Kernels.Lanes;
using FastNmf.Memory;

namespace FastNmf.Kernels.Gemm;

/// <summary>
/// The X products with the hand-written <see cref="DenseLaneKernels"/> at one vector width (Vector512, Vector256 or the
/// scalar twin); the small k×k products and the Gram matrix, which never touch X, come from
/// <see cref="FactorProductsTensorPrimitives"/>.
/// </summary>
internal sealed unsafe class FactorProductsLanes(LaneWidth width) : IFactorProducts
{

    public FactorProductsLanes()
        : this(LaneWidths.Widest)
    {
    }

    public LaneWidth Width => width;

    /// <summary><c>DenseLanes{width}</c>: the same name in FASTNMF_KERNELS, Describe, operand descriptions and benchmarks.</summary>
    public string Name => KernelNames.DenseLanes(width);

    public void AccumulateHX(MatrixView h, MatrixView x, MatrixView acc)
    {
        Check.HX(h, x, acc);
        DenseLanes.AccumulateHX<float, Float32Element>(width, h, x.Data, x.Stride, x.Rows, acc);
    }

    public void ProjectWX(MatrixView w, MatrixView x, MatrixView dst)
    {
        Check.WX(w, x, dst);
        DenseLanes.ProjectWX<float, Float32Element>(width, w, x.Data, x.Stride, x.Rows, dst);
    }

    public void MultiplySmall(ReadOnlySpan<double> m, MatrixView src, MatrixView dst) => SmallProducts.Multiply(m, src, dst);

    public void Gram(MatrixView a, Span<double> g) => SmallProducts.Gram(a, g);
}
