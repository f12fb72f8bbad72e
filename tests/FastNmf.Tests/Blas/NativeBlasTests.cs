using FastNmf.Blas;
using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.Gemm;
using FastNmf.Memory;
using FastNmf.Simulation;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Blas;

/// <summary>
/// The native BLAS backends: a library that is missing is refused with a reason (never a crash), and where OpenBLAS or
/// MKL is installed (CI installs both) their products match the scalar reference and a whole factorization matches the
/// managed one. Tests that need a library it does not find are reported as skipped, with the load trace, never passed.
/// </summary>
public sealed class NativeBlasTests
{
    private static readonly int[] s_k = [1, 4, 7, 40];

    public static IEnumerable<string> Kinds => ["OpenBlas", "Mkl"];

    [TestCase(KernelBackend.OpenBlas)]
    [TestCase(KernelBackend.Mkl)]
    public void Load_MissingLibrary_IsRefusedWithATrace(KernelBackend kind)
    {
        (NativeBlas? blas, string trace) = NativeBlas.Load(kind, ["libfastnmf-does-not-exist.so", "/nonexistent/libblas.so"]);
        Assert.Multiple(() =>
        {
            Assert.That(blas, Is.Null);
            Assert.That(trace, Does.Contain("libfastnmf-does-not-exist.so: not found"));
            Assert.That(trace, Does.Contain("/nonexistent/libblas.so: not found"));
        });
    }

    [Test]
    public void Load_LibraryWithoutCblas_IsRefused()
    {
        (NativeBlas? blas, string trace) = NativeBlas.Load(KernelBackend.OpenBlas, ["libz.so.1"]);
        Assert.That(blas, Is.Null);
        Assert.That(trace, Does.Contain("no cblas_sgemm").Or.Contain("not found"));
    }

    [Test]
    public void Products_MatchScalarReference([ValueSource(nameof(Kinds))] string kindName, [ValueSource(nameof(s_k))] int k)
    {
        NativeBlas blas = Require(Enum.Parse<KernelBackend>(kindName));
        var fast = new FactorProductsBlas(blas);
        var reference = new FactorProductsScalar();
        using var pool = new StridedMatrixPool();
        var rng = new Random(k);
        const int n = 37, m = 1000;
        StridedMatrix h = pool.Matrix(k, n, StrideKind.Plus3, rng, 0, 2);
        StridedMatrix x = pool.Matrix(n, m, StrideKind.RoundedUp16, rng, 0, 5);
        StridedMatrix w = pool.Matrix(k, m, StrideKind.Plus3, rng, 0, 1);
        StridedMatrix acc1 = pool.Matrix(k, m, StrideKind.RoundedUp16, rng, 1, 2);
        StridedMatrix acc2 = pool.Copy(acc1);
        StridedMatrix dst1 = pool.Matrix(k, n, StrideKind.Plus3, rng, 0, 0);
        StridedMatrix dst2 = pool.Matrix(k, n, StrideKind.Plus3, rng, 0, 0);
        fast.AccumulateHX(h.View, x.View, acc1.View);
        reference.AccumulateHX(h.View, x.View, acc2.View);
        fast.ProjectWX(w.View, x.View, dst1.View);
        reference.ProjectWX(w.View, x.View, dst2.View);
        Assert.Multiple(() =>
        {
            Assert.That(acc1.Dense(), Is.EqualTo(acc2.Dense()).Within(1e-4).Percent, "H·X");
            Assert.That(dst1.Dense(), Is.EqualTo(dst2.Dense()).Within(1e-4).Percent, "W·Xᵀ");
        });
    }

    [Test]
    public void Factorize_WithBlasBackend_MatchesManagedAndReportsIt([ValueSource(nameof(Kinds))] string kindName)
    {
        KernelBackend kind = Enum.Parse<KernelBackend>(kindName);
        Require(kind);
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 10, ScanCols = 10, DetRows = 32, DetCols = 32, Dose = 600, Seed = 4 });
        using UnfoldedData x = UnfoldedData.Create(data);
        var o = new NmfOptions { Components = 4, Method = NmfMethod.Als, Iterations = 30, Restarts = 2, Storage = XStorage.Dense };
        NmfResult blas = Factorizer.Run(x, o with { Backend = kind });
        NmfResult managed = Factorizer.Run(x, o with { Backend = KernelBackend.Managed });
        NmfResult again = Factorizer.Run(x, o with { Backend = kind });
        Assert.Multiple(() =>
        {
            Assert.That(blas.Backend, Is.EqualTo(kindName.ToLowerInvariant()));
            Assert.That(blas.Kernels, Does.Contain(kind == KernelBackend.Mkl ? "FactorProductsMkl" : "FactorProductsOpenBlas"));
            Assert.That(blas.Mse, Is.EqualTo(managed.Mse).Within(1e-4).Percent);
            Assert.That(again.W, Is.EqualTo(blas.W).AsCollection, "run to run, same backend and threads");
        });
    }

    [Test]
    public void Create_ExplicitBackend_UsesIt_ManagedNeverLoadsALibrary()
    {
        Assert.That(KernelSet.Create(null, KernelBackend.Managed).Backend, Is.EqualTo("managed"));
        foreach (string kindName in Kinds)
        {
            KernelBackend kind = Enum.Parse<KernelBackend>(kindName);
            if (NativeBlas.TryGet(kind, out _) is not null)
            {
                Assert.That(KernelSet.Create(null, kind).Backend, Is.EqualTo(kindName.ToLowerInvariant()));
            }
        }
    }

    private static NativeBlas Require(KernelBackend kind)
    {
        NativeBlas? blas = NativeBlas.TryGet(kind, out string trace);
        if (blas is null)
        {
            Assert.Ignore($"{kind} is not installed here: {trace}");
        }

        return blas!;
    }
}
