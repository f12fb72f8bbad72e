using FastNmf.Kernels;
using FastNmf.Kernels.Convolution;
using FastNmf.Kernels.Gemm;
using FastNmf.Kernels.Lanes;
using FastNmf.Kernels.Polar;
using NUnit.Framework;

namespace FastNmf.Tests.Kernels;

/// <summary>Dispatch: the preferred implementations by default, FASTNMF_KERNELS overrides by type name, and a clear error for an unknown name.</summary>
[TestFixture]
public sealed class KernelSetTests
{
    [Test]
    public void Create_ScalarProductsName_PicksScalarImplementation()
    {
        KernelSet set = KernelSet.Create("FactorProductsScalar", KernelBackend.Managed);

        Assert.Multiple(() =>
        {
            Assert.That(set.Products, Is.InstanceOf<FactorProductsScalar>());
            Assert.That(set.Convolution.Name, Is.EqualTo(MapConvolutionVector256.IsSupported ? nameof(MapConvolutionVector256) : nameof(MapConvolutionScalar)));
            Assert.That(set.Polar.Name, Is.EqualTo(PolarGatherAvx2.IsSupported ? nameof(PolarGatherAvx2) : nameof(PolarGatherScalar)), "an override of one family leaves the others at their best");
            Assert.That(set.Forced, Is.EqualTo("FactorProductsScalar"));
        });
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public void Create_ManagedNoOverride_PicksTheLaneKernelsFirst(string? overrides)
    {
        KernelSet set = KernelSet.Create(overrides, KernelBackend.Managed);

        Assert.That(set.Products, Is.InstanceOf<FactorProductsLanes>());
        Assert.That(((FactorProductsLanes)set.Products).Width, Is.EqualTo(LaneWidths.Widest));
    }

    [Test]
    public void Create_UnknownName_ThrowsArgumentExceptionNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => KernelSet.Create("Nope"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("Nope"));
            Assert.That(ex.Message, Does.Contain(KernelSet.EnvironmentVariable));
            Assert.That(ex.Message, Does.Contain(nameof(FactorProductsScalar)));
        });
    }

    [Test]
    public void Describe_ForcedSet_NamesEveryChosenKernelAndManagedBackend()
    {
        KernelSet set = KernelSet.Create("FactorProductsScalar", KernelBackend.Managed);

        string text = set.Describe();

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("managed"));
            Assert.That(text, Does.Contain(nameof(FactorProductsScalar)));
            Assert.That(text, Does.Not.Contain(nameof(FactorProductsTensorPrimitives)));
            Assert.That(text, Does.Contain(MapConvolutionVector256.IsSupported ? nameof(MapConvolutionVector256) : nameof(MapConvolutionScalar)));
            Assert.That(text, Does.Contain(PolarGatherAvx2.IsSupported ? nameof(PolarGatherAvx2) : nameof(PolarGatherScalar)));
            Assert.That(text, Does.Contain($"{KernelSet.EnvironmentVariable}=FactorProductsScalar"));
        });
    }

    [Test]
    public void Describe_ManagedSet_NamesTheLaneKernelsWithTheirWidthAndManagedBackend()
    {
        string text = KernelSet.Create(null, KernelBackend.Managed).Describe();

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.StartWith("backend managed"));
            Assert.That(text, Does.Contain($"DenseLanes{LaneWidths.Widest}, SparseLanes{LaneWidths.Widest}"));
            Assert.That(text, Does.Not.Contain("forced"));
        });
    }

    [Test]
    public void Create_Auto_PicksManagedWhereVectorLanesRun_ElseOpenBlasThenMklThenManaged()
    {
        string expected =
            LaneWidths.Widest != LaneWidth.Scalar ? "managed"
            : FastNmf.Blas.NativeBlas.TryGet(KernelBackend.OpenBlas, out _) is not null ? "openblas"
            : FastNmf.Blas.NativeBlas.TryGet(KernelBackend.Mkl, out _) is not null ? "mkl"
            : "managed";
        Assert.That(KernelSet.Create(null, KernelBackend.Auto).Backend, Is.EqualTo(expected));
    }

    [Test]
    public void Create_LaneKernelsByName_ForceEachFamilysWidth_AndDescribeRepeatsTheNames()
    {
        KernelSet sparse = KernelSet.Create("SparseLanesScalar", KernelBackend.Managed);
        KernelSet dense = KernelSet.Create("DenseLanesScalar", KernelBackend.Managed);
        Assert.Multiple(() =>
        {
            Assert.That(sparse.SparseWidth, Is.EqualTo(LaneWidth.Scalar));
            Assert.That(sparse.DenseWidth, Is.EqualTo(LaneWidths.Widest), "a sparse width leaves the dense kernels alone");
            Assert.That(dense.DenseWidth, Is.EqualTo(LaneWidth.Scalar));
            Assert.That(dense.Products.Name, Is.EqualTo("DenseLanesScalar"));
            Assert.That(dense.Describe(), Does.Contain("DenseLanesScalar").And.Contain("(forced by FASTNMF_KERNELS=DenseLanesScalar)"));
            Assert.That(sparse.Describe(), Does.Contain("SparseLanesScalar"));
            Assert.That(() => KernelSet.Create("FactorProductsLanes"), Throws.ArgumentException.With.Message.Contains("DenseLanesScalar"), "the one name, listed among the known ones");
        });
    }

    [Test]
    public void Create_TensorPrimitivesByName_IsStillSelectable()
    {
        Assert.That(KernelSet.Create("FactorProductsTensorPrimitives", KernelBackend.Managed).Products, Is.InstanceOf<FactorProductsTensorPrimitives>());
    }
}
