using FastNmf.Data;
using FastNmf.Memory;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Factorization;

public sealed class FactorizerTests
{
    private static NmfResult Run(Dataset4D data, NmfOptions options, DetectorMask? mask = null, Action<IterationStats>? progress = null)
    {
        using UnfoldedData x = UnfoldedData.Create(data, mask);
        return Factorizer.Run(x, options, progress);
    }

    [TestCase(NmfMethod.Constrained)]
    [TestCase(NmfMethod.Als)]
    [TestCase(NmfMethod.Mu)]
    public void Run_MseFromGramIdentity_EqualsDirectMean(NmfMethod method)
    {
        Dataset4D data = RandomData.LowRank(7, 6, 16, 16, rank: 3, noise: 0.5, seed: 1);
        NmfResult r = Run(data, new NmfOptions { Components = 3, Method = method, Iterations = 15, Restarts = 1 });
        Assert.That(r.Mse, Is.EqualTo(RandomData.DirectMse(data, r)).Within(1e-3).Percent);
    }

    [Test]
    public void Run_WithMask_MseIsOverUnmaskedPixelsAndMaskedPixelsRefoldAsZero()
    {
        Dataset4D data = RandomData.LowRank(6, 6, 16, 16, rank: 2, noise: 0.5, seed: 2);
        var mask = DetectorMask.DirectBeam(16, 16, 8, 8, 3);
        NmfResult r = Run(data, new NmfOptions { Components = 2, Iterations = 10, Restarts = 1 }, mask);
        bool[] masked = mask.Masked.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(r.Mse, Is.EqualTo(RandomData.DirectMse(data, r, masked)).Within(1e-3).Percent);
            for (int c = 0; c < 2; c++)
            {
                for (int u = 0; u < 256; u++)
                {
                    if (masked[u])
                    {
                        Assert.That(r.Diffraction(c)[u], Is.Zero);
                    }
                }
            }
        });
    }

    [TestCase(NmfMethod.Mu)]
    [TestCase(NmfMethod.Als)]
    public void Run_PrimitiveSolvers_LowerTheMse(NmfMethod method)
    {
        Dataset4D data = RandomData.LowRank(8, 8, 12, 12, rank: 4, noise: 1.0, seed: 3);
        NmfResult r = Run(data, new NmfOptions { Components = 4, Method = method, Iterations = 60, Restarts = 1 });
        double[] mse = r.History.Mse;
        Assert.That(mse[^1], Is.LessThan(0.5 * mse[0]));
        if (method == NmfMethod.Mu)
        {
            // Lee & Seung: MU never increases the cost (up to float rounding).
            for (int i = 1; i < mse.Length; i++)
            {
                Assert.That(mse[i], Is.LessThanOrEqualTo(mse[i - 1] * (1 + 1e-5)), $"iteration {i}");
            }
        }
    }

    [Test]
    public void Run_SameSeed_IsBitIdentical_DifferentSeedIsNot()
    {
        Dataset4D data = RandomData.LowRank(8, 7, 16, 16, rank: 3, noise: 1.0, seed: 4);
        var o = new NmfOptions { Components = 3, Iterations = 20, Restarts = 2, Seed = 42, Threads = 2 };
        NmfResult a = Run(data, o);
        NmfResult b = Run(data, o);
        NmfResult c = Run(data, o with { Seed = 43 });
        Assert.Multiple(() =>
        {
            Assert.That(b.W, Is.EqualTo(a.W).AsCollection);
            Assert.That(b.H, Is.EqualTo(a.H).AsCollection);
            Assert.That(b.History.Mse, Is.EqualTo(a.History.Mse).AsCollection);
            Assert.That(c.H, Is.Not.EqualTo(a.H).AsCollection);
        });
    }

    [Test]
    public void Run_Result_IsSortedByMapNormAndDiffractionsHaveUnitL1Norm()
    {
        Dataset4D data = RandomData.LowRank(8, 8, 12, 12, rank: 3, noise: 0.5, seed: 5);
        NmfResult r = Run(data, new NmfOptions { Components = 3, Method = NmfMethod.Als, Iterations = 20, Restarts = 1 });
        double Norm(ReadOnlySpan<float> v)
        {
            double s = 0;
            foreach (float x in v)
            {
                s += (double)x * x;
            }

            return Math.Sqrt(s);
        }

        Assert.Multiple(() =>
        {
            for (int c = 0; c < 3; c++)
            {
                double l1 = 0;
                foreach (float v in r.Diffraction(c))
                {
                    l1 += Math.Abs(v);
                }

                Assert.That(l1, Is.EqualTo(1.0).Within(1e-4), $"‖w{c}‖₁");
                if (c > 0)
                {
                    Assert.That(Norm(r.Map(c)), Is.LessThanOrEqualTo(Norm(r.Map(c - 1))), $"‖h{c}‖₂ ordering");
                }
            }
        });
    }

    [Test]
    public void Run_Result_NamesTheBackendAndKernelsThatRan()
    {
        Dataset4D data = RandomData.LowRank(5, 5, 8, 8, rank: 2, noise: 0.1, seed: 13);
        NmfResult r = Run(data, new NmfOptions { Components = 2, Iterations = 2, Restarts = 1 });
        Assert.Multiple(() =>
        {
            Assert.That(r.Backend, Is.AnyOf("managed", "openblas", "mkl"));
            Assert.That(r.Kernels, Does.StartWith($"backend {r.Backend}: "));
            Assert.That(r.Kernels, Does.Contain(FastNmf.Kernels.KernelSet.CreateDefault().Products.Name));
            Assert.That(Run(data, new NmfOptions { Components = 2, Iterations = 1, Restarts = 1, Backend = KernelBackend.Managed }).Backend,
                Is.EqualTo("managed"));
        });
    }

    [Test]
    public void Run_KeepsTheRestartWithLowestFinalMse()
    {
        Dataset4D data = RandomData.LowRank(8, 8, 12, 12, rank: 4, noise: 2.0, seed: 6);
        NmfResult r = Run(data, new NmfOptions { Components = 4, Method = NmfMethod.Mu, Iterations = 10, Restarts = 4 });
        Assert.Multiple(() =>
        {
            Assert.That(r.Restarts, Has.Count.EqualTo(4));
            Assert.That(r.Mse, Is.EqualTo(r.Restarts.Min(s => s.FinalMse)));
            Assert.That(r.History.Mse[^1], Is.EqualTo(r.Mse));
            Assert.That(r.Restarts.Select(s => s.Seed).Distinct().Count(), Is.EqualTo(4));
        });
    }

    [Test]
    public void Run_Tolerance_StopsEarly_AndIsOffByDefault()
    {
        Dataset4D data = RandomData.LowRank(8, 8, 12, 12, rank: 2, noise: 0.0, seed: 7);
        NmfResult early = Run(data, new NmfOptions { Components = 2, Method = NmfMethod.Als, Iterations = 300, Restarts = 1, Tolerance = 1e-3 });
        NmfResult full = Run(data, new NmfOptions { Components = 2, Method = NmfMethod.Als, Iterations = 40, Restarts = 1 });
        Assert.Multiple(() =>
        {
            Assert.That(early.Restarts[0].Iterations, Is.LessThan(300));
            Assert.That(early.History.Count, Is.EqualTo(early.Restarts[0].Iterations));
            Assert.That(full.Restarts[0].Iterations, Is.EqualTo(40));
        });
    }

    [TestCase(NmfMethod.Constrained)]
    [TestCase(NmfMethod.Als)]
    [TestCase(NmfMethod.Mu)]
    public void Run_RankDeficientData_NeverProducesNaN_AndReportsTheRepair(NmfMethod method)
    {
        // Rank-1 data factorized with k = 3: components die or duplicate, Gram matrices go singular.
        Dataset4D data = RandomData.LowRank(6, 6, 10, 10, rank: 1, noise: 0.0, seed: 8);
        NmfResult r = Run(data, new NmfOptions { Components = 3, Method = method, Iterations = 40, Restarts = 2 });
        Assert.Multiple(() =>
        {
            Assert.That(r.W.All(float.IsFinite), Is.True);
            Assert.That(r.H.All(float.IsFinite), Is.True);
            Assert.That(r.History.Mse.All(double.IsFinite), Is.True);
            Assert.That(r.Mse, Is.LessThan(data.Data.Average(v => (double)v * v)), "better than the zero model");
        });
    }

    [Test]
    public void Run_AllZeroData_IsRefusedRatherThanFittedByNoise()
    {
        var data = new Dataset4D(new float[5 * 5 * 8 * 8], 5, 5, 8, 8);
        Assert.That(() => Run(data, new NmfOptions { Components = 2, Iterations = 5, Restarts = 1 }),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("all zeros").And.Message.Contains("25 diffractions"));
    }

    [Test]
    public void Run_DataThatIsZeroButForOneValue_StillRunsWithoutNaN()
    {
        var values = new float[5 * 5 * 8 * 8];
        values[100] = 3;
        NmfResult r = Run(new Dataset4D(values, 5, 5, 8, 8), new NmfOptions { Components = 2, Iterations = 5, Restarts = 1 });
        Assert.Multiple(() =>
        {
            Assert.That(r.H.All(float.IsFinite) && r.W.All(float.IsFinite), Is.True);
            Assert.That(r.Restarts[0].RidgeSolves + r.Restarts[0].Reseeds, Is.GreaterThan(0), "the degenerate solve is reported");
        });
    }

    [TestCase(1)]
    [TestCase(2)]
    public void Run_IterationLoop_AllocatesNothing(int threads)
    {
        // The per-thread counter is exact and immune to the test host's own background allocations. The worker
        // threads run only kernel code over preallocated buffers; the calling thread runs everything else.
        Dataset4D data = RandomData.LowRank(12, 12, 24, 24, rank: 3, noise: 1.0, seed: 9);
        var allocated = new long[60];
        NmfResult r = Run(data, new NmfOptions { Components = 3, Iterations = 60, Restarts = 1, Threads = threads },
            progress: s => allocated[s.Iteration] = GC.GetAllocatedBytesForCurrentThread());
        Assert.That(r.History.Count, Is.EqualTo(60));
        Assert.That(allocated[59] - allocated[10], Is.EqualTo(0L), "bytes allocated between iterations 10 and 59");
    }

    [Test]
    public void Run_ReturnsEveryUnmanagedBuffer()
    {
        long before = AlignedBuffer<float>.Outstanding;
        Dataset4D data = RandomData.LowRank(5, 5, 8, 8, rank: 2, noise: 0.1, seed: 10);
        Run(data, new NmfOptions { Components = 2, Iterations = 3, Restarts = 1 });
        Assert.That(AlignedBuffer<float>.Outstanding, Is.EqualTo(before));
    }

    [Test]
    public void Run_ProgressCallback_SeesEveryIterationOfEveryRestart_AndCancellationStops()
    {
        Dataset4D data = RandomData.LowRank(5, 5, 8, 8, rank: 2, noise: 0.1, seed: 11);
        var seen = new List<(int, int)>();
        Run(data, new NmfOptions { Components = 2, Iterations = 7, Restarts = 3 }, progress: s => seen.Add((s.Restart, s.Iteration)));
        Assert.That(seen, Has.Count.EqualTo(21));
        Assert.That(seen[^1], Is.EqualTo((2, 6)));

        using var cts = new CancellationTokenSource();
        using UnfoldedData x = UnfoldedData.Create(data);
        Assert.That(() => Factorizer.Run(x, new NmfOptions { Components = 2, Iterations = 100, Restarts = 1 }, s =>
        {
            if (s.Iteration == 3)
            {
                cts.Cancel();
            }
        }, cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Run_BadOptions_ThrowNamingTheOption()
    {
        Dataset4D data = RandomData.LowRank(5, 5, 8, 8, rank: 2, noise: 0.1, seed: 12);
        using UnfoldedData x = UnfoldedData.Create(data);
        Assert.Multiple(() =>
        {
            Assert.That(() => Factorizer.Run(x, new NmfOptions { Components = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Components"));
            Assert.That(() => Factorizer.Run(x, new NmfOptions { Components = 25 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("min(n_uv, n_xy) = 25"));
            Assert.That(() => Factorizer.Run(x, new NmfOptions { Components = 2, Iterations = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Iterations"));
            Assert.That(() => Factorizer.Run(x, new NmfOptions { Components = 2, Restarts = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Restarts"));
            Assert.That(() => Factorizer.Run(x, new NmfOptions { Components = 2, Tolerance = -1 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Tolerance"));
            Assert.That(() => Factorizer.Run(x, new NmfOptions { Components = 2, Threads = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Threads"));
        });
    }
}
