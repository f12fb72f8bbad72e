using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Distributed;

/// <summary>
/// A distributed <see cref="Factorizer.Run(UnfoldedData, NmfOptions, Communicator, Action{IterationStats}?, CancellationToken)"/>
/// whose ranks were not called alike: every rank throws the same error, naming what differs, and none waits for the others.
/// </summary>
public sealed class RunAgreementTests
{
    // 24×24 scan: canonical blocks of 11 rows, so 3 blocks.
    private static Dataset4D s_data = null!;

    [OneTimeSetUp]
    public static void Simulate() =>
        s_data = Simulator.Generate(new SimulationOptions { ScanRows = 24, ScanCols = 24, DetRows = 16, DetCols = 16, Dose = 400, Seed = 3 }).Data;

    [Test]
    public void ARankWithOtherOptions_EveryRankThrowsNamingIt()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        Exception?[] e = RunEachRank(3, comm => Options(comm.Rank == 2 ? 4 : 3), x);
        Assert.Multiple(() =>
        {
            for (int r = 0; r < 3; r++)
            {
                Assert.That(e[r], Is.TypeOf<DistributedFailureException>().And.Message.Contains("rank 2 was called with another problem").And.Message.Contains("k = 4"), $"rank {r}");
                Assert.That(((DistributedFailureException)e[r]!).Rank, Is.EqualTo(2));
            }
        });
    }

    [Test]
    public void ARankWithAnotherTrial_EveryRankThrowsNamingIt()
    {
        // Ranks that pruned different restarts would reduce different restarts' sums together.
        using UnfoldedData x = UnfoldedData.Create(s_data);
        Exception?[] e = RunEachRank(2, comm => comm.Rank == 1 ? Options(3) with { TrialIterations = 3 } : Options(3), x);
        Assert.That(e, Has.All.TypeOf<DistributedFailureException>().And.All.Message.Contains("a trial of 3 keeping 1"));
    }

    [Test]
    public void ARankAloneAskingForACoarseScan_EveryRankThrows()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        Exception?[] e = RunEachRank(2, comm => comm.Rank == 0 ? Options(3) with { CoarseScan = 2, FineIterations = 2 } : Options(3), x);
        Assert.That(e, Has.All.TypeOf<DistributedFailureException>().And.All.Message.Contains("needs the whole scan in one process"));
    }

    [Test]
    public void ARankWithAnotherMask_EveryRankThrows()
    {
        var masked = new bool[16 * 16];
        masked[5] = true;
        using UnfoldedData plain = UnfoldedData.Create(s_data);
        using UnfoldedData withMask = UnfoldedData.Create(s_data, new DetectorMask(masked, 16, 16));
        Exception?[] e = RunEachRank(2, _ => Options(3), plain, rank => (rank == 1 ? withMask : plain).SlabView(rank * 11, rank == 0 ? 11 : 13));
        Assert.That(e, Has.All.TypeOf<DistributedFailureException>().And.All.Message.Contains("255 of 16×16 pixels kept"));
    }

    [Test]
    public void ThreadsDiffer_TheRunIsStillBitIdentical()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        NmfResult whole = Factorizer.Run(x, Options(3));
        NmfResult[] parts = InProcessGroup.Run(2, comm =>
        {
            ScanSlab slab = ScanSlab.ForRank(24, 24, comm.Rank, comm.Size);
            using UnfoldedData view = x.SlabView(slab.FirstRow, slab.Rows);
            return Factorizer.Run(view, Options(3) with { Threads = comm.Rank + 1 }, comm);
        });
        Assert.That(parts.Select(p => p.W), Has.All.EqualTo(whole.W).AsCollection);
    }

    [Test]
    public void SlabsThatDoNotTileTheScan_EveryRankThrows()
    {
        // Both ranks claim rows [0, 11): the second must start at row 11.
        using UnfoldedData x = UnfoldedData.Create(s_data);
        Exception?[] e = RunEachRank(2, _ => Options(3), x, _ => x.SlabView(0, 11));
        Assert.That(e, Has.All.TypeOf<DistributedFailureException>().And.All.Message.Contains("must start at row 11"));
    }

    [Test]
    public void SlabsThatStopShortOfTheScan_EveryRankThrows()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        Exception?[] e = RunEachRank(2, _ => Options(3), x, rank => rank == 0 ? x.SlabView(0, 11) : x.SlabView(11, 11));
        Assert.That(e, Has.All.TypeOf<DistributedFailureException>().And.All.Message.Contains("end at scan row 22 of 24"));
    }

    [Test]
    public void CancelledOnOneRank_EveryRankStopsAtTheSameIteration()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        using var cancel = new CancellationTokenSource();
        var seen = new int[2];
        Communicator[] ranks = InProcessGroup.Create(2, TimeSpan.FromSeconds(30));
        var failures = new Exception?[2];
        Thread[] threads = [.. ranks.Select((comm, r) => new Thread(() =>
        {
            ScanSlab slab = ScanSlab.ForRank(24, 24, r, 2);
            using UnfoldedData view = x.SlabView(slab.FirstRow, slab.Rows);
            try
            {
                Factorizer.Run(view, Options(3) with { Iterations = 400 }, comm, s =>
                {
                    seen[r] = s.Iteration;
                    if (r == 1 && s.Iteration == 5)
                    {
                        cancel.Cancel();
                    }
                }, r == 1 ? cancel.Token : default);
            }
            catch (Exception ex)
            {
                failures[r] = ex;
            }
        }))];
        foreach (Thread t in threads)
        {
            t.Start();
        }

        Assert.That(threads.All(t => t.Join(TimeSpan.FromSeconds(60))), Is.True, "every rank returned");
        Assert.Multiple(() =>
        {
            Assert.That(failures, Has.All.InstanceOf<OperationCanceledException>());
            Assert.That(failures[0]!.Message, Does.Contain("cancelled on another rank"));
            Assert.That(seen[0], Is.EqualTo(seen[1]).And.EqualTo(5), "the last iteration each rank reported");
        });
    }

    [Test]
    public void SparseKernelsOfOtherWidths_AreRefusedOnEveryRank()
    {
        // k·b = 9 rows: 16 lanes at Vector256, 9 in the scalar kernels, so the H·X accumulators would not line up.
        using UnfoldedData x = UnfoldedData.Create(s_data);
        NmfOptions o = Options(3) with { Restarts = 3, Storage = XStorage.Sparse };
        Communicator[] ranks = InProcessGroup.Create(2, TimeSpan.FromSeconds(30));
        var failures = new Exception?[2];
        Thread[] threads = [.. ranks.Select((comm, r) => new Thread(() =>
        {
            ScanSlab slab = ScanSlab.ForRank(24, 24, r, 2);
            using UnfoldedData view = x.SlabView(slab.FirstRow, slab.Rows);
            try
            {
                var kernels = FastNmf.Kernels.KernelSet.Create(r == 0 ? "SparseLanesVector256" : "SparseLanesScalar", KernelBackend.Managed);
                Factorizer.Run(view, o, kernels, comm, null, default);
            }
            catch (Exception e)
            {
                failures[r] = e;
            }
        }))];
        foreach (Thread t in threads)
        {
            t.Start();
        }

        Assert.That(threads.All(t => t.Join(TimeSpan.FromSeconds(60))), Is.True, "every rank returned");
        Assert.That(failures, Has.All.TypeOf<DistributedFailureException>().And.All.Message.Contains("FASTNMF_KERNELS"));
    }

    [Test]
    public void ThePlan_IsTheLargestSlabs_OnEveryRank()
    {
        // Slabs of 10 and 14 rows (blocks of 10, 10 and 4): both ranks plan for 14 × 24 frames, so batch and storage agree.
        using UnfoldedData x = UnfoldedData.Create(s_data);
        long[] frames = InProcessGroup.Run(2, comm =>
        {
            ScanSlab slab = ScanSlab.ForRank(24, 24, comm.Rank, comm.Size);
            using UnfoldedData view = x.SlabView(slab.FirstRow, slab.Rows);
            return DataFacts.Of(view, XStatistics.Of(view, comm), comm).Frames;
        });
        Assert.That(frames, Is.EqualTo(new long[] { 14 * 24, 14 * 24 }));
    }

    private static NmfOptions Options(int k) => new() { Components = k, Iterations = 6, Restarts = 2, Seed = 5, Threads = 1, Backend = KernelBackend.Managed };

    // Every rank on its own thread with its own exception (none abandons the group early: the agreement must end them all).
    private static Exception?[] RunEachRank(int size, Func<Communicator, NmfOptions> options, UnfoldedData x, Func<int, UnfoldedData>? slabOf = null)
    {
        Communicator[] ranks = InProcessGroup.Create(size, TimeSpan.FromSeconds(30));
        var failures = new Exception?[size];
        Thread[] threads = [.. ranks.Select((comm, r) => new Thread(() =>
        {
            ScanSlab slab = ScanSlab.ForRank(x.ScanRows, x.ScanCols, r, size);
            using UnfoldedData mine = slabOf?.Invoke(r) ?? x.SlabView(slab.FirstRow, slab.Rows);
            try
            {
                Factorizer.Run(mine, options(comm), comm);
            }
            catch (Exception ex)
            {
                failures[r] = ex;
            }
        }))];
        foreach (Thread t in threads)
        {
            t.Start();
        }

        Assert.That(threads.All(t => t.Join(TimeSpan.FromSeconds(60))), Is.True, "every rank returned");
        return failures;
    }
}
