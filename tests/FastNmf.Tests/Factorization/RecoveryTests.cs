using FastNmf.Analysis;
using FastNmf.Data;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Factorization;

/// <summary>
/// Recovery on the paper's simulated data set (36×36×128×128, k = 4, N = 10⁴). To keep the suite fast these run
/// 150 iterations × 2 restarts instead of 500 × 10: on this data the constrained protocol has settled (‖ΔW‖₁ ~1e-6)
/// well before iteration 100, and the properties tested do not depend on the restart count.
/// </summary>
[Category("Slow")]
[NonParallelizable]
public sealed class RecoveryTests
{
    private static Dataset4D s_data = null!;
    private static SimulatedTruth s_truth = null!;
    private static NmfResult s_constrained = null!;
    private static NmfResult s_als = null!;

    [OneTimeSetUp]
    public static void Factorize()
    {
        (s_data, s_truth) = Simulator.Generate(new SimulationOptions { Seed = 1 });
        using UnfoldedData x = UnfoldedData.Create(s_data);
        s_constrained = Factorizer.Run(x, new NmfOptions { Components = 4, Iterations = 150, Restarts = 2, Seed = 1 });
        s_als = Factorizer.Run(x, new NmfOptions { Components = 4, Method = NmfMethod.Als, Iterations = 150, Restarts = 2, Seed = 1 });
    }

    [Test]
    public void Constrained_RecoversAllFourComponents()
    {
        IReadOnlyList<ComponentMatch> m = TruthComparison.Compare(s_constrained, s_truth);
        Assert.Multiple(() =>
        {
            Assert.That(m.Select(c => c.Found).Distinct().Count(), Is.EqualTo(4), "one found component per true one");
            Assert.That(m[0].DiffractionCosine, Is.GreaterThanOrEqualTo(0.99), "amorphous diffraction cosine");
            for (int c = 1; c < 4; c++)
            {
                Assert.That(m[c].MapPearson, Is.GreaterThanOrEqualTo(0.98), $"{m[c].Name} map Pearson");
                Assert.That(m[c].ClearedCosine, Is.GreaterThanOrEqualTo(0.95), $"{m[c].Name} diffraction cosine, amorphous share removed");
            }
        });
    }

    [Test]
    public void Constrained_AmorphousComponent_HasClearlyFewerDarkSpotsThanPrimitiveAls()
    {
        // Dark-spot score: summed shortfall below each radius's median on the r–φ transform, over the summed intensity
        // (Analysis/DarkSpotScore). Primitive ALS cuts dips where the crystals' Bragg spots sit; [·]_W fills them.
        double constrained = DarkSpot(s_constrained);
        double als = DarkSpot(s_als);
        TestContext.Progress.WriteLine($"dark-spot score of the amorphous diffraction: constrained {constrained:E3}, primitive ALS {als:E3}");
        Assert.That(constrained, Is.LessThan(0.5 * als), $"constrained {constrained:E3} vs ALS {als:E3}");
    }

    [Test]
    public void History_IsRecordedForEveryIteration()
    {
        Assert.Multiple(() =>
        {
            Assert.That(s_constrained.History.Count, Is.EqualTo(150));
            Assert.That(s_constrained.History.DeltaW[^1], Is.LessThan(s_constrained.History.DeltaW[1]));
            Assert.That(s_constrained.Mse, Is.GreaterThan(s_als.Mse), "constraints cost some MSE (the paper's Fig. 7a)");
        });
    }

    private static double DarkSpot(NmfResult r)
    {
        int amorphous = TruthComparison.Compare(r, s_truth)[0].Found;
        return DarkSpotScore.Compute(r.Diffraction(amorphous), r.DetRows, r.DetCols);
    }
}
