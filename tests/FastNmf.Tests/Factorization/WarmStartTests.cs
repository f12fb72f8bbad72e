using FastNmf.Data;
using FastNmf.Simulation;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Factorization;

/// <summary>Warm starts (scikit-learn's init='custom', MATLAB's W0/H0): restart 0 starts from the given factors.</summary>
public sealed class WarmStartTests
{
    private static Dataset4D s_data = null!;
    private static NmfResult s_fit = null!;

    [OneTimeSetUp]
    public static void Fit()
    {
        (s_data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 24, ScanCols = 24, DetRows = 16, DetCols = 16, Dose = 800, Seed = 12 });
        using UnfoldedData x = UnfoldedData.Create(s_data);
        s_fit = Factorizer.Run(x, new NmfOptions { Components = 3, Iterations = 150, Restarts = 1, Seed = 3, Threads = 2 });
    }

    [Test]
    public void InitialW_Alone_StartsFromTheFittedSolution()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        float[] w = x.Pixels.Unfold(s_fit.W, 3);
        NmfResult warm = Factorizer.Run(x, new NmfOptions { Components = 3, Iterations = 3, Restarts = 1, Threads = 2, InitialW = w });
        NmfResult cold = Factorizer.Run(x, new NmfOptions { Components = 3, Iterations = 3, Restarts = 1, Threads = 2, Seed = 3 });
        Assert.Multiple(() =>
        {
            Assert.That(warm.History.Mse[0], Is.EqualTo(s_fit.Mse).Within(0.5).Percent, "the first iteration is already at the fit's MSE");
            Assert.That(cold.History.Mse[0], Is.GreaterThan(warm.History.Mse[0] * 1.01), "a random start is not");
        });
    }

    [Test]
    public void InitialWAndH_ContinueTheRun()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        NmfResult warm = Factorizer.Run(x, new NmfOptions { Components = 3, Iterations = 2, Restarts = 1, Threads = 2, InitialW = x.Pixels.Unfold(s_fit.W, 3), InitialH = s_fit.H });
        Assert.That(warm.History.Mse[0], Is.EqualTo(s_fit.Mse).Within(0.5).Percent);
    }

    [Test]
    public void WarmStart_SplitOverRanks_IsBitIdenticalToOneProcess()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        var o = new NmfOptions { Components = 3, Iterations = 5, Restarts = 2, Threads = 2, InitialW = x.Pixels.Unfold(s_fit.W, 3) };
        NmfResult whole = Factorizer.Run(x, o);
        NmfResult[] parts = SplitRuns.Factorize(x, o, ranks: 3);
        Assert.Multiple(() =>
        {
            foreach (NmfResult p in parts)
            {
                Assert.That(p.W, Is.EqualTo(whole.W).AsCollection);
                Assert.That(p.History.Mse, Is.EqualTo(whole.History.Mse).AsCollection);
            }
        });
    }

    [Test]
    public void InitialFactors_OfTheWrongShape_AreRefusedNamingTheShape()
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        Assert.Multiple(() =>
        {
            Assert.That(() => Factorizer.Run(x, new NmfOptions { Components = 3, Iterations = 1, Restarts = 1, InitialW = new float[10] }),
                Throws.ArgumentException.With.Message.Contains("InitialW").And.Message.Contains("3 × 256"));
            Assert.That(() => Factorizer.Run(x, new NmfOptions { Components = 3, Iterations = 1, Restarts = 1, InitialH = Enumerable.Repeat(-1f, 3 * 576).ToArray() }),
                Throws.ArgumentException.With.Message.Contains("InitialH[0] is -1"));
        });
    }
}
