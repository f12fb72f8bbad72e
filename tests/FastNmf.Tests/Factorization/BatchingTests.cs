using FastNmf.Data;
using FastNmf.Simulation;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Factorization;

/// <summary>Restarts advanced together give every restart exactly what it gets alone, for every method and storage.</summary>
public sealed class BatchingTests
{
    // Dose 600 on 32×32 pixels is ~0.6 counts per pixel, the paper's regime (62 % zeros).
    private static (Dataset4D Data, SimulatedTruth Truth) s_sim;

    [OneTimeSetUp]
    public static void Simulate() =>
        s_sim = Simulator.Generate(new SimulationOptions { ScanRows = 12, ScanCols = 12, DetRows = 32, DetCols = 32, Dose = 600, Seed = 2 });

    [Test]
    public void Batched_EqualsOneByOne_BitForBit(
        [Values(NmfMethod.Constrained, NmfMethod.Als, NmfMethod.Mu)] NmfMethod method,
        [Values(XStorage.Dense, XStorage.Sparse)] XStorage storage)
    {
        using UnfoldedData x = UnfoldedData.Create(s_sim.Data);
        var o = new NmfOptions { Components = 4, Method = method, Iterations = 25, Restarts = 5, Seed = 9, Storage = storage, Backend = KernelBackend.Managed };
        NmfResult batched = Factorizer.Run(x, o);
        NmfResult alone = Factorizer.Run(x, o with { BatchRestarts = false });
        Assert.Multiple(() =>
        {
            Assert.That(batched.Batch, Is.EqualTo(5));
            Assert.That(alone.Batch, Is.EqualTo(1));
            Assert.That(batched.Storage, Is.EqualTo(storage));
            Assert.That(batched.Restarts.Select(r => r.FinalMse), Is.EqualTo(alone.Restarts.Select(r => r.FinalMse)));
            Assert.That(batched.ChosenRestart, Is.EqualTo(alone.ChosenRestart));
            Assert.That(batched.W, Is.EqualTo(alone.W).AsCollection);
            Assert.That(batched.H, Is.EqualTo(alone.H).AsCollection);
            Assert.That(batched.History.DeltaW, Is.EqualTo(alone.History.DeltaW).AsCollection);
        });
    }

    [Test]
    public void Batched_WithEarlyStop_FreezesEachRestartWhereItWouldHaveStoppedAlone()
    {
        using UnfoldedData x = UnfoldedData.Create(s_sim.Data);
        var o = new NmfOptions { Components = 4, Method = NmfMethod.Als, Iterations = 400, Restarts = 4, Seed = 3, Tolerance = 1e-4, Backend = KernelBackend.Managed };
        NmfResult batched = Factorizer.Run(x, o);
        NmfResult alone = Factorizer.Run(x, o with { BatchRestarts = false });
        Assert.Multiple(() =>
        {
            Assert.That(batched.Restarts.Select(r => r.Iterations), Is.EqualTo(alone.Restarts.Select(r => r.Iterations)));
            Assert.That(batched.Restarts.Any(r => r.Iterations < 400), Is.True, "the tolerance stopped something");
            Assert.That(batched.W, Is.EqualTo(alone.W).AsCollection);
        });
    }

    [TestCase(KernelBackend.OpenBlas)]
    [TestCase(KernelBackend.Mkl)]
    public void Batched_WithBlas_EqualsOneByOne(KernelBackend backend)
    {
        if (FastNmf.Blas.NativeBlas.TryGet(backend, out string trace) is null)
        {
            Assert.Ignore($"{backend} is not installed here: {trace}");
        }

        using UnfoldedData x = UnfoldedData.Create(s_sim.Data);
        var o = new NmfOptions { Components = 4, Method = NmfMethod.Als, Iterations = 20, Restarts = 4, Seed = 5, Backend = backend };
        NmfResult batched = Factorizer.Run(x, o);
        NmfResult alone = Factorizer.Run(x, o with { BatchRestarts = false });
        if (backend == KernelBackend.Mkl)
        {
            // MKL computes each row of a stacked GEMM exactly as it would alone.
            Assert.That(batched.W, Is.EqualTo(alone.W).AsCollection);
        }
        else
        {
            // OpenBLAS picks its kernels by the row count, so stacked rows agree with separate calls only to float
            // rounding (measured: 2e-6 relative after 20 ALS iterations); documented in the README.
            Assert.That(batched.W, Is.EqualTo(alone.W).Within(1e-4 * alone.W.Max()), "relative to the largest value");
            Assert.That(batched.Mse, Is.EqualTo(alone.Mse).Within(1e-4).Percent);
        }
    }

    [Test]
    public void Storage_Auto_PicksSparseForCountedDataAndDenseForDenseData()
    {
        using UnfoldedData counted = UnfoldedData.Create(s_sim.Data);
        using UnfoldedData dense = UnfoldedData.Create(RandomData.LowRank(6, 6, 10, 10, rank: 2, noise: 0.5, seed: 1));
        Assert.Multiple(() =>
        {
            Assert.That(Factorizer.ChooseStorage(counted), Is.EqualTo(XStorage.Sparse));
            Assert.That(Factorizer.ChooseStorage(dense), Is.EqualTo(XStorage.Dense));
            NmfResult r = Factorizer.Run(counted, new NmfOptions { Components = 4, Iterations = 2, Restarts = 1 });
            Assert.That(r.Storage, Is.EqualTo(XStorage.Sparse));
            Assert.That(r.Kernels, Does.Contain("sparse float32"));
        });
    }

    [TestCase(1)]
    [TestCase(2)]
    public void SparseBatched_IterationLoop_AllocatesNothing(int threads)
    {
        using UnfoldedData x = UnfoldedData.Create(s_sim.Data);
        var allocated = new long[40];
        Factorizer.Run(x, new NmfOptions { Components = 4, Iterations = 40, Restarts = 3, Threads = threads, Storage = XStorage.Sparse },
            s => allocated[s.Iteration] = GC.GetAllocatedBytesForCurrentThread());
        Assert.That(allocated[39] - allocated[10], Is.EqualTo(0L));
    }
}
