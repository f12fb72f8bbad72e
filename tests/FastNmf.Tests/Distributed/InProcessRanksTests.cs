using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.Simulation;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Distributed;

/// <summary>
/// The explicit reductions: the scan split into 2 and 3 in-process ranks (slabs of whole canonical blocks, each rank with
/// its own partial sums, reduced exactly) gives W and H bit-identical to the one-process run, for every method and storage.
/// </summary>
public sealed class InProcessRanksTests
{
    // 24×24 scan: canonical blocks of 11 rows (≥ 256 frames), so 3 blocks: [0, 11), [11, 22), [22, 24).
    private static (Dataset4D Data, SimulatedTruth Truth) s_sim;

    [OneTimeSetUp]
    public static void Simulate() =>
        s_sim = Simulator.Generate(new SimulationOptions { ScanRows = 24, ScanCols = 24, DetRows = 16, DetCols = 16, Dose = 400, Seed = 3 });

    [Test]
    public void Split_EveryMethodAndStorage_IsBitIdenticalToOneProcess(
        [Values(NmfMethod.Constrained, NmfMethod.Als, NmfMethod.Mu)] NmfMethod method,
        [Values(XStorage.Dense, XStorage.DenseUInt16, XStorage.Sparse)] XStorage storage,
        [Values(2, 3)] int ranks)
    {
        using UnfoldedData x = UnfoldedData.Create(s_sim.Data);
        var o = new NmfOptions { Components = 3, Method = method, Iterations = 12, Restarts = 3, Seed = 7, Storage = storage, Threads = 2, Backend = KernelBackend.Managed };
        AssertSplitEqualsWhole(x, o, ranks);
    }

    [Test]
    public void Split_WideMapKernelAndEarlyStop_IsBitIdenticalToOneProcess()
    {
        // A 5×5 kernel reads two rows across every slab edge; the tolerance stops restarts at different iterations.
        using UnfoldedData x = UnfoldedData.Create(s_sim.Data);
        var o = new NmfOptions
        {
            Components = 3, Iterations = 150, Restarts = 2, Seed = 2, Threads = 2, Tolerance = 1e-2, Backend = KernelBackend.Managed,
            MapKernel = ConvolutionKernel.FromFwhmPixels(2.0, KernelShape.Gaussian, 5),
        };
        NmfResult whole = AssertSplitEqualsWhole(x, o, 3);
        Assert.That(whole.Restarts.Any(r => r.Iterations < 150), Is.True, $"the tolerance stopped a restart ({string.Join(", ", whole.Restarts.Select(r => r.Iterations))} iterations)");
    }

    [Test]
    public void Split_UInt16X_IsBitIdenticalToOneProcess()
    {
        using var source = new FastNmf.IO.ArrayFrameSource(s_sim.Data);
        using UnfoldedData x = UnfoldedData.CreateCounts(source);
        var o = new NmfOptions { Components = 3, Iterations = 10, Restarts = 2, Seed = 4, Threads = 2, Storage = XStorage.Sparse, Backend = KernelBackend.Managed };
        AssertSplitEqualsWhole(x, o, 2);
    }

    [Test]
    public void Split_SlabNotOnCanonicalBlocks_IsRefusedOnEveryRank()
    {
        using UnfoldedData x = UnfoldedData.Create(s_sim.Data);
        var o = new NmfOptions { Components = 3, Iterations = 2, Restarts = 1, Threads = 1 };
        var e = Assert.Throws<AggregateException>(() => InProcessGroup.Run(2, comm =>
        {
            using UnfoldedData view = x.SlabView(comm.Rank == 0 ? 0 : 5, comm.Rank == 0 ? 5 : 19);
            return Factorizer.Run(view, o, comm);
        }));
        Assert.That(e!.InnerException, Is.TypeOf<DistributedFailureException>().And.Message.Contains("canonical blocks"));
    }

    [Test]
    public void Split_KernelWiderThanASlab_IsOneClearErrorOnEveryRank()
    {
        // A 4×256 scan has canonical blocks of one row; over 3 ranks the middle one holds a single row, and a 5×5 kernel
        // reads two rows across each of its edges.
        var rng = new Random(5);
        float[] values = Enumerable.Range(0, 4 * 256 * 16).Select(_ => (float)rng.Next(0, 5)).ToArray();
        using UnfoldedData x = UnfoldedData.Create(new Dataset4D(values, 4, 256, 4, 4));
        var o = new NmfOptions { Components = 2, Iterations = 2, Restarts = 1, Threads = 1, MapKernel = ConvolutionKernel.FromFwhmPixels(2.0, KernelShape.Gaussian, 5) };
        var e = Assert.Throws<AggregateException>(() => SplitRuns.Factorize(x, o, ranks: 3));
        Assert.That(e!.InnerException!.Message, Does.Contain("map kernel").And.Contain("fewer processes"));
    }

    [Test]
    public void Communication_IsTwoReductionsPerStepPlusTheHalo_AndCounted()
    {
        using UnfoldedData x = UnfoldedData.Create(s_sim.Data);
        var o = new NmfOptions { Components = 3, Iterations = 7, Restarts = 3, Seed = 7, Threads = 1, Backend = KernelBackend.Managed };
        NmfResult[] parts = SplitRuns.Factorize(x, o, ranks: 2);
        NmfResult alone = Factorizer.Run(x, o);
        RunCommunication c = parts[0].Communication!;
        int batches = (o.Restarts + parts[0].Batch - 1) / parts[0].Batch;
        Assert.Multiple(() =>
        {
            Assert.That(alone.Communication, Is.Null, "one process communicates nothing");
            Assert.That(c.Steps, Is.EqualTo(o.Iterations * batches));
            // Per step: the bounds (max) and the sums, then [·]_H's edge rows; plus each batch's first reduction.
            Assert.That(c.Collectives, Is.EqualTo((3 * c.Steps) + (2 * batches)));
            // Rank 0 sends its last map row (3×3 kernel: one row) of every map of the batch down, every step.
            Assert.That(c.ExchangedBytes, Is.EqualTo((long)c.Steps * parts[0].Batch * o.Components * 24 * sizeof(float)));
            Assert.That(parts[1].Communication!.ReducedBytes, Is.EqualTo(c.ReducedBytes), "every rank reduces the same lengths");
            // H·X alone is k × n_uv per restart and step (but the last), in doubles.
            Assert.That(c.ReducedBytes, Is.GreaterThanOrEqualTo((long)(c.Steps - batches) * parts[0].Batch * o.Components * x.NUv * sizeof(double)));
        });
    }

    [Test]
    public void Slab_MoreRanksThanBlocks_IsRefusedNamingTheLimit()
    {
        Assert.That(() => FrameBlocks.For(24, 24).Slab(0, 4), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("at most 3"));
    }

    private static NmfResult AssertSplitEqualsWhole(UnfoldedData x, NmfOptions o, int ranks)
    {
        NmfResult whole = Factorizer.Run(x, o);
        NmfResult[] parts = SplitRuns.Factorize(x, o, ranks);

        int k = o.Components;
        var h = new float[whole.H.Length];
        foreach (NmfResult p in parts)
        {
            for (int c = 0; c < k; c++)
            {
                p.H.AsSpan(c * p.Slab.Frames, p.Slab.Frames).CopyTo(h.AsSpan((int)((c * whole.Slab.TotalFrames) + p.Slab.FirstFrame)));
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(parts.Select(p => p.Slab.Rows).Sum(), Is.EqualTo(x.ScanRows), "the slabs cover the scan");
            for (int r = 0; r < ranks; r++)
            {
                Assert.That(parts[r].W, Is.EqualTo(whole.W).AsCollection, $"W on rank {r}");
                Assert.That(parts[r].History.Mse, Is.EqualTo(whole.History.Mse).AsCollection, $"MSE history on rank {r}");
                Assert.That(parts[r].Restarts.Select(s => s.FinalMse), Is.EqualTo(whole.Restarts.Select(s => s.FinalMse)), $"restarts on rank {r}");
            }

            Assert.That(h, Is.EqualTo(whole.H).AsCollection, "H gathered from the ranks");
        });
        return whole;
    }
}
