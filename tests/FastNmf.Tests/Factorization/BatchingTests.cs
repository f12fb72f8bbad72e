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
        [Values(XStorage.Dense, XStorage.DenseUInt16, XStorage.Sparse)] XStorage storage)
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
        // The storage fixed: auto weighs the rows of a pass, and 16 stacked rows choose sparse where 4 choose uint16.
        var o = new NmfOptions { Components = 4, Method = NmfMethod.Als, Iterations = 400, Restarts = 4, Seed = 3, Tolerance = 1e-4, Backend = KernelBackend.Managed, Storage = XStorage.DenseUInt16 };
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
        // A BLAS picks its kernels by the shape (now one GEMM per canonical frame block), so stacked rows agree with
        // separate calls only to float rounding (measured: ~4e-6 relative after 20 ALS iterations); documented in the README.
        Assert.That(batched.W, Is.EqualTo(alone.W).Within(1e-4 * alone.W.Max()), "relative to the largest value");
        Assert.That(batched.Mse, Is.EqualTo(alone.Mse).Within(1e-4).Percent);
    }

    [Test]
    public void Storage_Auto_PicksSparseForBatchedCounts_UInt16ForOneRestart_AndFloat32ForRealValues()
    {
        using UnfoldedData counted = UnfoldedData.Create(s_sim.Data);
        using UnfoldedData dense = UnfoldedData.Create(RandomData.LowRank(6, 6, 10, 10, rank: 2, noise: 0.5, seed: 1));
        Assert.Multiple(() =>
        {
            Assert.That(Factorizer.ChooseStorage(counted, 40), Is.EqualTo(XStorage.Sparse), "counts, batched: sparse");
            Assert.That(Factorizer.ChooseStorage(counted, 4), Is.EqualTo(XStorage.DenseUInt16), "counts, one restart: uint16");
            Assert.That(Factorizer.ChooseStorage(dense, 40), Is.EqualTo(XStorage.Dense));
            NmfResult batched = Factorizer.Run(counted, new NmfOptions { Components = 4, Iterations = 2, Restarts = 10, Backend = KernelBackend.Managed });
            Assert.That(batched.Storage, Is.EqualTo(XStorage.Sparse));
            Assert.That(batched.Kernels, Does.Contain("sparse uint16"), "counts: uint16 values in the sparse copies");
            NmfResult single = Factorizer.Run(counted, new NmfOptions { Components = 4, Iterations = 2, Restarts = 1, Backend = KernelBackend.Managed });
            Assert.That(single.Storage, Is.EqualTo(XStorage.DenseUInt16));
        });
    }

    [Test]
    public void UInt16Storage_GivesTheBitsOfFloat32Storage([Values(NmfMethod.Constrained, NmfMethod.Als, NmfMethod.Mu)] NmfMethod method)
    {
        // The convert is exact and the kernels are shared, so holding counts as uint16 changes no bit of the result.
        using UnfoldedData x = UnfoldedData.Create(s_sim.Data);
        var o = new NmfOptions { Components = 4, Method = method, Iterations = 20, Restarts = 3, Seed = 4, Backend = KernelBackend.Managed };
        NmfResult f32 = Factorizer.Run(x, o with { Storage = XStorage.Dense });
        NmfResult u16 = Factorizer.Run(x, o with { Storage = XStorage.DenseUInt16 });
        Assert.Multiple(() =>
        {
            Assert.That(u16.Storage, Is.EqualTo(XStorage.DenseUInt16));
            Assert.That(u16.Kernels, Does.Contain("dense uint16"));
            Assert.That(u16.W, Is.EqualTo(f32.W).AsCollection);
            Assert.That(u16.H, Is.EqualTo(f32.H).AsCollection);
        });
    }

    [Test]
    public void UInt16Storage_NonIntegerData_IsRefusedNamingTheValue()
    {
        using UnfoldedData x = UnfoldedData.Create(RandomData.LowRank(6, 6, 10, 10, rank: 2, noise: 0.5, seed: 1));
        Assert.That(() => Factorizer.Run(x, new NmfOptions { Components = 2, Iterations = 2, Restarts = 1, Storage = XStorage.DenseUInt16 }),
            Throws.ArgumentException.With.Message.Contains("uint16 storage holds only integers"));
    }

    [Test]
    public void Storage_Auto_PicksUInt16ForDenseCounts_AndFloat32WithABlas()
    {
        // Dose 100 000 on 32×32 pixels leaves few zeros: dense, but still counts.
        (Dataset4D bright, _) = Simulator.Generate(new SimulationOptions { ScanRows = 8, ScanCols = 8, DetRows = 32, DetCols = 32, Dose = 100_000, Seed = 3 });
        using UnfoldedData x = UnfoldedData.Create(bright);
        Assert.That(Factorizer.ChooseStorage(x, 40), Is.EqualTo(XStorage.DenseUInt16));
        NmfResult managed = Factorizer.Run(x, new NmfOptions { Components = 3, Iterations = 2, Restarts = 1, Backend = KernelBackend.Managed });
        Assert.That(managed.Storage, Is.EqualTo(XStorage.DenseUInt16));
        foreach (KernelBackend blas in new[] { KernelBackend.OpenBlas, KernelBackend.Mkl })
        {
            if (FastNmf.Blas.NativeBlas.TryGet(blas, out _) is not null)
            {
                NmfResult r = Factorizer.Run(x, new NmfOptions { Components = 3, Iterations = 2, Restarts = 1, Backend = blas });
                Assert.That(r.Storage, Is.EqualTo(XStorage.Dense), $"{blas} multiplies float32");
            }
        }
    }

    [TestCase(1, XStorage.Sparse)]
    [TestCase(2, XStorage.Sparse)]
    [TestCase(1, XStorage.DenseUInt16)]
    [TestCase(2, XStorage.DenseUInt16)]
    public void Batched_IterationLoop_AllocatesNothing(int threads, XStorage storage)
    {
        using UnfoldedData x = UnfoldedData.Create(s_sim.Data);
        var allocated = new long[40];
        Factorizer.Run(x, new NmfOptions { Components = 4, Iterations = 40, Restarts = 3, Threads = threads, Storage = storage },
            s => allocated[s.Iteration] = GC.GetAllocatedBytesForCurrentThread());
        Assert.That(allocated[39] - allocated[10], Is.EqualTo(0L));
    }
}
