using FastNmf.Analysis;
using FastNmf.Data;
using FastNmf.Live;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Live;

/// <summary>
/// Learn mode on the paper's simulated set streamed in scan order, one row per push. After the pass the learned W
/// recovers the truth as the batch protocol does (amorphous diffraction, every crystal's cleared diffraction and map);
/// each crystal's map matches the batch protocol's. The finish (the batch protocol warm-started) recovers the truth as
/// the foundation tests require. Pushing in another order gives the same W; lost frames skip the finish.
/// </summary>
[Category("Slow")]
public sealed class LiveLearnerTests
{
    private static Dataset4D s_data = null!;
    private static SimulatedTruth s_truth = null!;
    private static NmfResult s_batch = null!;

    [OneTimeSetUp]
    public static void Reference()
    {
        (s_data, s_truth) = Simulator.Generate(new SimulationOptions { Seed = 1 });
        using UnfoldedData x = UnfoldedData.Create(s_data);
        s_batch = Factorizer.Run(x, new NmfOptions { Components = 4, Iterations = 150, Restarts = 2, Seed = 1, RemoveAmorphousShare = false });
    }

    [Test]
    public void OnePass_InScanOrder_RecoversTheTruthAsTheBatchProtocolDoes()
    {
        using var learner = Learn(finishIterations: 0, rowsPerPush: 1);
        LiveLearnResult result = learner.Finish();
        IReadOnlyList<ComponentMatch> learned = Truth(result.Learned.W, result.Projection.H);
        IReadOnlyList<ComponentMatch> batch = Truth(s_batch.W, s_batch.H);
        TestContext.Out.WriteLine($"refreshes {result.Refreshes}, passes {learner.Repasses}, re-seeds {result.Reseeds}");
        TestContext.Out.WriteLine("batch:   " + Describe(batch));
        TestContext.Out.WriteLine("learned: " + Describe(learned));
        Assert.Multiple(() =>
        {
            Assert.That(result.Refreshes, Is.GreaterThan(2));
            Assert.That(result.FinishSkipped, Is.EqualTo("no finish asked for"));
            Assert.That(learned[0].DiffractionCosine, Is.GreaterThanOrEqualTo(0.99), "amorphous diffraction");
            for (int t = 1; t < 4; t++)
            {
                Assert.That(learned[t].ClearedCosine, Is.GreaterThanOrEqualTo(batch[t].ClearedCosine - 0.01), $"{learned[t].Name}: cleared diffraction");
                Assert.That(learned[t].MapPearson, Is.GreaterThanOrEqualTo(0.99), $"{learned[t].Name}: map");
                Assert.That(Pearson(s_batch.H, batch[t].Found, result.Projection.H, learned[t].Found), Is.GreaterThanOrEqualTo(0.99), $"{learned[t].Name}: map against the batch protocol's");
            }
        });
    }

    /// <summary>The bar, over eight seeds: after one pass each of the batch protocol's diffractions is matched by
    /// a learned one at cosine ≥ 0.98 (the learner's start may land nearer a basin where a crystal's diffraction holds no
    /// amorphous ring, which ALS leaves slowly: allowed once), and the finish always reaches the batch protocol's W.</summary>
    [Test]
    public void OnePass_OverSeeds_MatchesTheBatchProtocolsW_AndTheFinishReachesIt()
    {
        int n = s_data.NUv, matched = 0;
        for (ulong seed = 1; seed <= 8; seed++)
        {
            var options = new LiveLearnOptions { Batch = new NmfOptions { Components = 4, Seed = seed }, FinishIterations = 30 };
            using var learner = new LiveLearner(PixelMap.Create(128, 128), 36, 36, options);
            for (int first = 0; first < s_data.NXy; first += 36)
            {
                learner.Push(s_data.Data.AsSpan(first * n, 36 * n), first);
            }

            learner.Complete();
            LiveLearnResult result = learner.Finish();
            double learned = WorstMatch(s_batch.W, result.Learned.W), finished = WorstMatch(s_batch.W, result.Finished!.W);
            TestContext.Out.WriteLine($"seed {seed}: worst cosine with the batch protocol's W, learned {learned:F4}, finished {finished:F4}");
            matched += learned >= 0.98 ? 1 : 0;
            Assert.That(finished, Is.GreaterThanOrEqualTo(0.999), $"seed {seed}: the finish");
        }

        Assert.That(matched, Is.GreaterThanOrEqualTo(7), "seeds whose learned W matches the batch protocol's at cosine 0.98");
    }

    [Test]
    public void Finish_WarmStartsTheBatchProtocol_AndRecoversTheTruth()
    {
        using var learner = Learn(finishIterations: 30, rowsPerPush: 3);
        LiveLearnResult result = learner.Finish();
        Assert.That(result.Finished, Is.Not.Null, result.FinishSkipped);
        IReadOnlyList<ComponentMatch> finished = TruthComparison.Compare(result.Finished!, s_truth);
        TestContext.Out.WriteLine("finished: " + Describe(finished));
        Assert.Multiple(() =>
        {
            Assert.That(result.Finished!.Restarts, Has.Count.EqualTo(1));
            Assert.That(result.Finished.Restarts[0].Iterations, Is.EqualTo(30));
            Assert.That(finished[0].DiffractionCosine, Is.GreaterThan(0.99), "amorphous");
            for (int t = 1; t < 4; t++)
            {
                Assert.That(finished[t].MapPearson, Is.GreaterThan(0.95), $"{finished[t].Name} map");
                Assert.That(finished[t].ClearedCosine, Is.GreaterThan(0.9), $"{finished[t].Name} cleared diffraction");
            }
        });
    }

    /// <summary>Each frame's h and each pixel's sums are computed alone whatever the team: the same bits on one thread
    /// as on three (frames split across projectors, pixels across A's chunks), in the passes and the start alike.</summary>
    [Test]
    public void Threads_DoNotChangeTheBits()
    {
        (float[] W, float[] Maps) Run(int threads)
        {
            var options = new LiveLearnOptions { Batch = new NmfOptions { Components = 4, Seed = 2, Threads = threads }, FinishIterations = 0, FinalRepasses = 2 };
            using var learner = new LiveLearner(PixelMap.Create(128, 128), 36, 36, options);
            int pixels = s_data.NUv;
            for (int first = 0; first < s_data.NXy; first += 72)
            {
                learner.Push(s_data.Data.AsSpan(first * pixels, Math.Min(72, s_data.NXy - first) * pixels), first);
            }

            learner.Complete();
            var maps = new float[4 * s_data.NXy];
            learner.CopyMaps(maps);
            return (learner.Model!.W, maps);
        }

        (float[] w1, float[] maps1) = Run(1);
        (float[] w3, float[] maps3) = Run(3);
        Assert.Multiple(() =>
        {
            Assert.That(w3, Is.EqualTo(w1), "W");
            Assert.That(maps3, Is.EqualTo(maps1), "maps");
            Assert.That(maps1.Count(v => v > 0), Is.GreaterThan(s_data.NXy), "maps filled in");
        });
    }

    [Test]
    public void LostFrames_SkipTheFinish_AndSayWhy()
    {
        var options = new LiveLearnOptions { Batch = new NmfOptions { Components = 4, Seed = 1 }, FinishIterations = 10, FinalRepasses = 1 };
        using var learner = new LiveLearner(PixelMap.Create(128, 128), 36, 36, options);
        int pixels = s_data.NUv;
        learner.Push(s_data.Data.AsSpan(0, 700 * pixels), 0);
        learner.MarkLost(700, 2);
        learner.Push(s_data.Data.AsSpan(702 * pixels), 702);
        learner.Complete();
        LiveLearnResult result = learner.Finish();
        Assert.Multiple(() =>
        {
            Assert.That(result.Finished, Is.Null);
            Assert.That(result.FinishSkipped, Does.Contain("2 position(s) have no frame"));
            Assert.That(result.Projection.Residual[700], Is.NaN, "a lost position has no residual");
            Assert.That(result.Projection.Residual[699], Is.GreaterThan(0), "its neighbour has");
            Assert.That(result.Projection.H[701], Is.NaN, "nor maps");
            Assert.That(learner.Lost, Is.EqualTo(2));
        });
    }

    /// <summary>Every setting is checked when the learner is made, not when the scan reaches its start rows.</summary>
    [TestCase(0, 0, 25, 1.0, "k = 0")]
    [TestCase(4, -1, 25, 1.0, "refresh frames -1")]
    [TestCase(4, 0, 0, 1.0, "start iterations 0")]
    [TestCase(4, 0, 25, 1.5, "forget factor 1.5")]
    public void Construct_ASettingOutOfRange_IsOneClearError(int k, int refresh, int startIterations, double forget, string message)
    {
        var options = new LiveLearnOptions { Batch = new NmfOptions { Components = k }, RefreshFrames = refresh, StartIterations = startIterations, ForgetFactor = forget };
        Assert.That(() => new LiveLearner(PixelMap.Create(16, 16), 4, 4, options), Throws.ArgumentException.With.Message.Contains(message));
    }

    [Test]
    public void Complete_BeforeTwoRows_IsOneClearError()
    {
        var options = new LiveLearnOptions { Batch = new NmfOptions { Components = 4, Seed = 1 } };
        using var learner = new LiveLearner(PixelMap.Create(128, 128), 36, 36, options);
        learner.Push(s_data.Data.AsSpan(0, 40 * s_data.NUv), 0);
        Assert.That(learner.Complete, Throws.TypeOf<InvalidDataException>().With.Message.Contains("after 40 consecutive frames").And.Message.Contains("two whole scan rows (72 frames)"));
    }

    private static LiveLearner Learn(int finishIterations, int rowsPerPush)
    {
        var options = new LiveLearnOptions { Batch = new NmfOptions { Components = 4, Seed = 1 }, FinishIterations = finishIterations };
        var learner = new LiveLearner(PixelMap.Create(128, 128), 36, 36, options);
        int pixels = s_data.NUv, step = 36 * rowsPerPush;
        for (int first = 0; first < s_data.NXy; first += step)
        {
            int count = Math.Min(step, s_data.NXy - first);
            learner.Push(s_data.Data.AsSpan(first * pixels, count * pixels), first);
        }

        learner.Complete();
        return learner;
    }

    private static IReadOnlyList<ComponentMatch> Truth(float[] w, float[] h) =>
        TruthComparison.Compare(w, h, 4, s_truth.Diffractions, s_truth.Maps, s_truth.Names, s_data.NUv, s_data.NXy);

    private static string Describe(IReadOnlyList<ComponentMatch> m) =>
        string.Join("; ", m.Select(x => $"{x.Name} cos {x.DiffractionCosine:F3} cleared {x.ClearedCosine:F3} map {x.MapPearson:F3}"));

    // The smallest, over the reference's diffractions, of the best cosine with one of w's.
    private static double WorstMatch(float[] reference, float[] w)
    {
        int n = s_data.NUv;
        return Enumerable.Range(0, 4).Min(c => Enumerable.Range(0, 4).Max(d => Similarity.Cosine(reference.AsSpan(c * n, n), w.AsSpan(d * n, n))));
    }

    private static double Pearson(float[] a, int ca, float[] b, int cb)
    {
        int n = s_data.NXy;
        ReadOnlySpan<float> x = a.AsSpan(ca * n, n), y = b.AsSpan(cb * n, n);
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++)
        {
            mx += x[i];
            my += y[i];
        }

        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxy / Math.Sqrt(sxx * syy);
    }
}
