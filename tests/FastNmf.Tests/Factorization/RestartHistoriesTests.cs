using FastNmf.Data;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Factorization;

/// <summary><see cref="NmfResult.RestartHistories"/>: every restart's monitoring values, for the report's spread over restarts.</summary>
public sealed class RestartHistoriesTests
{
    [TestCase(true)]
    [TestCase(false)]
    public void Run_FourRestarts_KeepsOneHistoryPerRestartEndingAtItsFinalMse(bool batch)
    {
        Dataset4D data = RandomData.LowRank(8, 8, 12, 12, rank: 3, noise: 2.0, seed: 11);
        using UnfoldedData x = UnfoldedData.Create(data);
        NmfResult r = Factorizer.Run(x, new NmfOptions { Components = 3, Iterations = 12, Restarts = 4, BatchRestarts = batch });
        Assert.Multiple(() =>
        {
            Assert.That(r.RestartHistories, Has.Count.EqualTo(4));
            Assert.That(r.RestartHistories[r.ChosenRestart], Is.SameAs(r.History));
            for (int i = 0; i < 4; i++)
            {
                IterationHistory h = r.RestartHistories[i];
                Assert.That(h.Count, Is.EqualTo(r.Restarts[i].Iterations), $"restart {i}");
                Assert.That(h.Mse[^1], Is.EqualTo(r.Restarts[i].FinalMse), $"restart {i}");
                Assert.That(h.DeltaW.All(double.IsFinite) && h.DeltaH.All(double.IsFinite), Is.True, $"restart {i}");
            }

            // Different seeds give different paths: the histories are not one array shared four times.
            Assert.That(r.RestartHistories.Select(h => h.Mse[0]).Distinct().Count(), Is.EqualTo(4));
        });
    }

    [Test]
    public void Run_EarlyStop_TruncatesEveryRestartsHistoryToItsIterations()
    {
        Dataset4D data = RandomData.LowRank(8, 8, 12, 12, rank: 2, noise: 0.0, seed: 7);
        using UnfoldedData x = UnfoldedData.Create(data);
        NmfResult r = Factorizer.Run(x, new NmfOptions { Components = 2, Method = NmfMethod.Als, Iterations = 300, Restarts = 2, Tolerance = 1e-3 });
        Assert.Multiple(() =>
        {
            for (int i = 0; i < 2; i++)
            {
                Assert.That(r.Restarts[i].Iterations, Is.LessThan(300), $"restart {i} stopped early");
                Assert.That(r.RestartHistories[i].Count, Is.EqualTo(r.Restarts[i].Iterations), $"restart {i}");
            }
        });
    }
}
