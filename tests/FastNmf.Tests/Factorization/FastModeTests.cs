using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Memory;
using FastNmf.Simulation;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Factorization;

/// <summary>
/// The fast mode's levers: restarts pruned after a trial (the restarts that go on keep their unpruned bits; the others
/// are reported as pruned), a warm start from the binned scan (the coarse stage and its effect on the fine one), and the
/// preset that combines them.
/// </summary>
public sealed class FastModeTests
{
    private static Dataset4D s_data = null!;

    [OneTimeSetUp]
    public static void Simulate() =>
        (s_data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 24, ScanCols = 24, DetRows = 24, DetCols = 24, Dose = 900, Seed = 21 });

    private static NmfOptions Options => new() { Components = 4, Iterations = 40, Restarts = 6, Seed = 8, Threads = 2, Storage = XStorage.Sparse, Backend = KernelBackend.Managed };

    [Test]
    public void Pruned_EveryRestartThatGoesOn_HasItsUnprunedBits_AndTheOthersStopAtTheTrial()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        NmfResult full = Factorizer.Run(x, Options);
        NmfResult pruned = Factorizer.Run(x, Options with { TrialIterations = 7, RestartsKept = 2 });
        var goneOn = pruned.Restarts.Where(r => !r.Pruned).ToArray();
        int[] trialOrder = [.. Enumerable.Range(0, 6).OrderBy(r => full.RestartHistories[r].Mse[6]).ThenBy(r => r)];
        Assert.Multiple(() =>
        {
            Assert.That(goneOn.Select(r => r.Index), Is.EquivalentTo(trialOrder.Take(2)), "the two lowest MSEs at the trial's last iteration go on");
            foreach (RestartSummary r in goneOn)
            {
                Assert.That(r.Iterations, Is.EqualTo(40));
                Assert.That(r.FinalMse, Is.EqualTo(full.Restarts[r.Index].FinalMse), $"restart {r.Index}'s final MSE, bit for bit");
                Assert.That(pruned.RestartHistories[r.Index].Mse, Is.EqualTo(full.RestartHistories[r.Index].Mse).AsCollection, $"restart {r.Index}'s history");
                Assert.That(pruned.RestartHistories[r.Index].DeltaH, Is.EqualTo(full.RestartHistories[r.Index].DeltaH).AsCollection);
            }

            foreach (RestartSummary r in pruned.Restarts.Where(r => r.Pruned))
            {
                Assert.That(r.Iterations, Is.EqualTo(7));
                Assert.That(r.FinalMse, Is.EqualTo(full.RestartHistories[r.Index].Mse[6]), "a pruned restart's MSE is its MSE at the trial");
            }

            Assert.That(pruned.Restarts.Count(r => r.Pruned), Is.EqualTo(4));
            Assert.That(pruned.Restarts[pruned.ChosenRestart].Pruned, Is.False);
            int best = goneOn.OrderBy(r => r.FinalMse).ThenBy(r => r.Index).First().Index;
            Assert.That(pruned.ChosenRestart, Is.EqualTo(best));
            if (full.ChosenRestart == best)
            {
                Assert.That(pruned.W, Is.EqualTo(full.W).AsCollection, "the same restart kept: the same W");
                Assert.That(pruned.H, Is.EqualTo(full.H).AsCollection);
            }
        });
    }

    [TestCase(4, 8u)]
    [TestCase(6, 8u)]
    [TestCase(6, 3u)]
    [TestCase(8, 5u)]
    public void Pruned_RestartsThatMetTheToleranceInTheTrial_AreKeptAsTheyStopped(int k, ulong seed)
    {
        // Every restart meets the tolerance before the trial ends: the kept ones are final as saved (not run again in a
        // slot another restart used), so the result is the unpruned run's, bit for bit — W's order and scale included,
        // which come from the kept restart's own ‖h_c‖₂².
        using UnfoldedData x = UnfoldedData.Create(s_data);
        NmfOptions o = Options with { Components = k, Seed = seed, Iterations = 400, Tolerance = 1e-3 };
        NmfResult full = Factorizer.Run(x, o);
        int trial = full.Restarts.Max(r => r.Iterations) + 1;
        Assume.That(trial, Is.LessThan(o.Iterations), "every restart meets the tolerance early");
        Assume.That(full.ChosenRestart, Is.Not.Zero, "the kept restart goes to a slot another restart used");
        NmfResult pruned = Factorizer.Run(x, o with { TrialIterations = trial, RestartsKept = 1 });
        Assert.Multiple(() =>
        {
            Assert.That(pruned.ChosenRestart, Is.EqualTo(full.ChosenRestart));
            Assert.That(pruned.Restarts.Select(r => (r.Index, r.FinalMse, r.Iterations)), Is.EqualTo(full.Restarts.Select(r => (r.Index, r.FinalMse, r.Iterations))).AsCollection);
            Assert.That(pruned.Restarts.Count(r => r.Pruned), Is.EqualTo(5));
            Assert.That(pruned.W, Is.EqualTo(full.W).AsCollection);
            Assert.That(pruned.H, Is.EqualTo(full.H).AsCollection);
        });
    }

    [Test]
    public void Pruned_RestartsInSeveralBatches_GiveTheBitsOfOneBatch()
    {
        // One restart per pass: every restart's state is saved after its trial and the kept ones are taken on together.
        using UnfoldedData x = UnfoldedData.Create(s_data);
        NmfOptions o = Options with { TrialIterations = 5, RestartsKept = 3 };
        NmfResult together = Factorizer.Run(x, o);
        NmfResult apart = Factorizer.Run(x, o with { BatchRestarts = false });
        Assert.Multiple(() =>
        {
            Assert.That(apart.Batch, Is.EqualTo(1));
            Assert.That(apart.Restarts, Is.EqualTo(together.Restarts).AsCollection);
            Assert.That(apart.W, Is.EqualTo(together.W).AsCollection);
            Assert.That(apart.H, Is.EqualTo(together.H).AsCollection);
        });
    }

    [Test]
    public void Pruned_SplitOverRanks_IsBitIdenticalToOneProcess()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        NmfOptions o = Options with { TrialIterations = 6, Iterations = 15 };
        NmfResult whole = Factorizer.Run(x, o);
        NmfResult[] parts = SplitRuns.Factorize(x, o, ranks: 2);
        Assert.Multiple(() =>
        {
            foreach (NmfResult p in parts)
            {
                Assert.That(p.W, Is.EqualTo(whole.W).AsCollection);
                Assert.That(p.Restarts, Is.EqualTo(whole.Restarts).AsCollection);
            }
        });
    }

    [TestCase(40, 2, "TrialIterations")]
    [TestCase(0, 2, "TrialIterations")]
    [TestCase(10, 7, "RestartsKept")]
    [TestCase(10, 0, "RestartsKept")]
    public void Pruned_OutOfRange_IsRefusedNamingTheOption(int trial, int kept, string option)
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Factorizer.Run(x, Options with { TrialIterations = trial, RestartsKept = kept }));
        Assert.That(e!.ParamName, Is.EqualTo(option));
    }

    [Test]
    public void CoarseScan_RunsTheBinnedScanFirst_ThenTheFullScanFromItsDiffractions()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        NmfResult exact = Factorizer.Run(x, Options with { Iterations = 150 });
        NmfResult fast = Factorizer.Run(x, Options with { Iterations = 150, TrialIterations = 10, CoarseScan = 2, FineIterations = 30 });
        NmfResult coarse = fast.CoarseStage!;
        Assert.Multiple(() =>
        {
            Assert.That((coarse.ScanRows, coarse.ScanCols), Is.EqualTo((12, 12)));
            Assert.That(coarse.Options.Iterations, Is.EqualTo(120));
            Assert.That(coarse.Options.MapKernel.FwhmPixels, Is.EqualTo(Options.MapKernel.FwhmPixels / 2).Within(1e-12), "the map kernel at the coarse step");
            Assert.That(coarse.Restarts.Count(r => r.Pruned), Is.EqualTo(5), "the trial ran on the coarse scan");
            Assert.That(fast.Restarts, Has.Count.EqualTo(1));
            Assert.That(fast.Restarts[0].Iterations, Is.EqualTo(30));
            Assert.That((fast.ScanRows, fast.ScanCols), Is.EqualTo((24, 24)));
            Assert.That(fast.Options.CoarseScan, Is.EqualTo(2), "the result carries the options asked for");
            Assert.That(fast.History.Mse[0], Is.LessThan(exact.History.Mse[0]), "the full scan starts from the coarse diffractions, not at random");
            Assert.That(fast.Mse, Is.EqualTo(exact.Mse).Within(0.5).Percent);
        });
    }

    [Test]
    public void CoarseScan_KernelGivenAsWeights_OrDistributed_IsRefused()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        NmfOptions weights = Options with { CoarseScan = 2, FineIterations = 10, MapKernel = ConvolutionKernel.FromWeights([1, 2, 1, 2, 4, 2, 1, 2, 1], 3) };
        Assert.That(() => Factorizer.Run(x, weights), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("no width to scale"));
        Assert.That(() => SplitRuns.Factorize(x, Options with { CoarseScan = 2, FineIterations = 10 }, ranks: 2), Throws.InstanceOf<Exception>().With.Message.Contains("whole scan in one process").Or.InnerException.Message.Contains("whole scan in one process"));
    }

    [Test]
    public void BinScan_SumsEachBlock_DropsTheLeftOverRowsAndColumns_AndKeepsCountsAsUInt16()
    {
        var values = new float[5 * 7 * 2 * 3];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i % 11;
        }

        using UnfoldedData x = UnfoldedData.Create(new Dataset4D(values, 5, 7, 2, 3));
        using UnfoldedData binned = x.BinScan(2);
        Assert.That((binned.ScanRows, binned.ScanCols, binned.NUv), Is.EqualTo((2, 3, 6)));
        Assert.That(binned.IsUInt16, Is.True);
        var column = new float[6];
        binned.CopyColumn((1 * 3) + 2, column);
        for (int u = 0; u < 6; u++)
        {
            float expected = 0;
            foreach ((int r, int c) in new[] { (2, 4), (2, 5), (3, 4), (3, 5) })
            {
                expected += x.Column((r * 7) + c)[u];
            }

            Assert.That(column[u], Is.EqualTo(expected), $"pixel {u} of coarse position (1, 2)");
        }
    }

    [Test]
    public void BinScan_SumsBeyondUInt16_GoToFloat32_AndRealValuesStayExactInDouble()
    {
        float[] big = Enumerable.Repeat(30000f, 2 * 2 * 1 * 2).ToArray();
        using UnfoldedData counts = UnfoldedData.Create(new Dataset4D(big, 2, 2, 1, 2));
        using UnfoldedData summed = counts.BinScan(2);
        Assert.That(summed.IsUInt16, Is.False);
        Assert.That(summed.Column(0).ToArray(), Is.EqualTo(new[] { 120000f, 120000f }));
        float[] real = [0.5f, 0.25f, 1.125f, 2f, 0.5f, 0.25f, 1.125f, 2f];
        using UnfoldedData r = UnfoldedData.Create(new Dataset4D(real, 2, 2, 1, 2));
        using UnfoldedData rb = r.BinScan(2);
        Assert.That(rb.Column(0).ToArray(), Is.EqualTo(new[] { 0.5f + 1.125f + 0.5f + 1.125f, 0.25f + 2f + 0.25f + 2f }));
    }

    [Test]
    public void Preset_TurnsOnTheLevers_WhereTheScanAllows_AndLeavesExplicitOnesAlone()
    {
        var o = new NmfOptions { Components = 30 };
        NmfOptions big = FastPreset.Apply(o, 58, 58);
        NmfOptions small = FastPreset.Apply(o, 30, 30);
        NmfOptions distributed = FastPreset.Apply(o, 58, 58, distributed: true);
        NmfOptions mine = FastPreset.Apply(o with { TrialIterations = 12, CoarseScan = 3, FineIterations = 80 }, 58, 58);
        NmfOptions single = FastPreset.Apply(o with { Restarts = 1 }, 58, 58);
        NmfOptions keepThree = FastPreset.Apply(o with { RestartsKept = 3 }, 58, 58);
        NmfOptions fine80 = FastPreset.Apply(o with { FineIterations = 80 }, 58, 58);
        NmfOptions longTrial = FastPreset.Apply(o with { Iterations = 200, TrialIterations = 160 }, 58, 58);
        Assert.Multiple(() =>
        {
            Assert.That((big.TrialIterations, big.RestartsKept, big.CoarseScan, big.FineIterations), Is.EqualTo(((int?)30, 1, (int?)2, 50)));
            Assert.That(small.CoarseScan, Is.Null, "15×15 binned positions are fewer than 10 per component at k = 30");
            Assert.That(small.TrialIterations, Is.EqualTo(30));
            Assert.That(distributed.CoarseScan, Is.Null);
            Assert.That((mine.TrialIterations, mine.CoarseScan, mine.FineIterations), Is.EqualTo(((int?)12, (int?)3, 80)));
            Assert.That(single.TrialIterations, Is.Null, "one restart: nothing to prune");
            Assert.That((keepThree.TrialIterations, keepThree.RestartsKept), Is.EqualTo(((int?)30, 3)), "the preset's trial keeps the restarts asked for");
            Assert.That((fine80.CoarseScan, fine80.FineIterations), Is.EqualTo(((int?)2, 80)), "the preset's coarse stage ends with the full-scan iterations asked for");
            Assert.That(longTrial.CoarseScan, Is.Null, "a trial of 160 of 200 iterations leaves no room for a coarse stage before 50 full-scan ones");
            Assert.That(() => longTrial.Validate(16384, 3364), Throws.Nothing);
        });
    }

    [TestCase(256, 256, 2)]
    [TestCase(512, 512, 4)]
    [TestCase(1024, 1024, 8)]
    [TestCase(300, 100, 2)]
    public void Preset_BinsLargerScansMore(int rows, int cols, int factor) =>
        Assert.That(FastPreset.CoarseFactor(rows, cols), Is.EqualTo(factor));

    [Test]
    public void Plan_WithACoarseStage_PlansBothStages_AndItsPeakIsTheLarger()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        NmfOptions o = Options with { Storage = XStorage.Auto, Iterations = 60, TrialIterations = 10, CoarseScan = 2, FineIterations = 20 };
        RunPlan plan = RunPlan.Create(DataFacts.Of(x), o);
        RunPlan coarse = plan.Coarse!;
        Assert.Multiple(() =>
        {
            Assert.That(coarse.Batch, Is.EqualTo(6), "the coarse stage runs every restart");
            Assert.That(plan.Batch, Is.EqualTo(1), "the full scan one");
            Assert.That(coarse.XBytes, Is.EqualTo(((x.NUv + 31L) & ~31L) * 12 * 12 * 2), "the binned scan in memory as uint16");
            Assert.That(plan.TotalBytes, Is.EqualTo(Math.Max(plan.XBytes + plan.StorageBytes + plan.WorkspaceBytes + plan.OtherBytes, plan.XBytes + coarse.TotalBytes)));
        });

        AlignedBuffer<float>.ResetPeak();
        long before = AlignedBuffer<float>.OutstandingBytes;
        _ = Factorizer.Run(x, o);
        long peak = AlignedBuffer<float>.PeakBytes - before;
        // The plan also counts read buffers and results, which a library run on X in memory does not allocate here.
        Assert.That(peak, Is.LessThanOrEqualTo(plan.TotalBytes - plan.XBytes).And.GreaterThan((plan.TotalBytes - plan.XBytes - plan.OtherBytes) / 2));
    }
}
