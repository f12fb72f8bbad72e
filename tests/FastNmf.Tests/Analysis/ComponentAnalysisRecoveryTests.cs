using FastNmf.Analysis;
using FastNmf.Data;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Analysis;

/// <summary>
/// The analysis end to end: factorize simulated data (150 iterations × 2 restarts, as the recovery tests do) and
/// check what the clustering finds. The rotated-lattice set has the amorphous matrix, crystal A and four copies of the
/// oblique crystal D rotated by known angles, each in its own row of areas.
/// </summary>
[Category("Slow")]
[NonParallelizable]
public sealed class ComponentAnalysisRecoveryTests
{
    private static readonly double[] s_angles = [0, 23.5, 61, 137.25];
    private static SimulatedTruth s_truth = null!;
    private static NmfResult s_result = null!;

    [OneTimeSetUp]
    public static void Factorize()
    {
        var options = new SimulationOptions { Seed = 2, Crystals = 1, RotatedCopies = s_angles };
        (Dataset4D data, s_truth) = Simulator.Generate(options);
        using UnfoldedData x = UnfoldedData.Create(data);
        s_result = Factorizer.Run(x, new NmfOptions { Components = options.Components, Iterations = 150, Restarts = 2, Seed = 1 });
    }

    [Test]
    public void ExploreDemo()
    {
        (Dataset4D data, SimulatedTruth truth) = Simulator.Generate(new SimulationOptions { Seed = 1 });
        using UnfoldedData x = UnfoldedData.Create(data);
        foreach ((NmfMethod method, int k) in new[] { (NmfMethod.Constrained, 4), (NmfMethod.Als, 4), (NmfMethod.Constrained, 6), (NmfMethod.Als, 6) })
        {
            NmfResult r = Factorizer.Run(x, new NmfOptions { Components = k, Method = method, Iterations = 150, Restarts = 2, Seed = 1 });
            AnalysisResult a = ComponentAnalysis.Run(r);
            TestContext.Progress.WriteLine($"== {method} k = {k}: labels {string.Join(",", a.Labels)}");
            for (int i = 0; i < k; i++)
            {
                TestContext.Progress.WriteLine($"{i}: aniso {1 - a.Isotropy[i]:E2} | ds {string.Join(" ", Enumerable.Range(0, k).Select(j => a.DiffractionSimilarity[i, j].ToString("F3")))} | cos {string.Join(" ", Enumerable.Range(0, k).Select(j => a.Cosine[i, j].ToString("F3")))}");
            }
        }
    }

    [Test]
    public void Explore()
    {
        AnalysisResult a = ComponentAnalysis.Run(s_result);
        AnalysisResult c = ComponentAnalysis.Run(s_result, new AnalysisOptions { ClusterBy = SimilarityMeasure.Cosine });
        IReadOnlyList<ComponentMatch> m = TruthComparison.Compare(s_result, s_truth);
        foreach (ComponentMatch x in m)
        {
            TestContext.Progress.WriteLine($"{x.Name} -> found {x.Found}, cos {x.DiffractionCosine:F3} cleared {x.ClearedCosine:F3} map {x.MapPearson:F3}");
        }

        int k = a.Components;
        for (int i = 0; i < k; i++)
        {
            TestContext.Progress.WriteLine($"{i}: aniso {1 - a.Isotropy[i]:E2} | ds {string.Join(" ", Enumerable.Range(0, k).Select(j => a.DiffractionSimilarity[i, j].ToString("F3")))} | cos {string.Join(" ", Enumerable.Range(0, k).Select(j => a.Cosine[i, j].ToString("F3")))} | rot {string.Join(" ", Enumerable.Range(0, k).Select(j => a.Rotation[i, j].ToString("F2")))}");
        }

        TestContext.Progress.WriteLine($"labels diffraction {string.Join(",", a.Labels)}; cosine {string.Join(",", c.Labels)}");
        foreach (ComponentCluster cl in a.Clusters)
        {
            TestContext.Progress.WriteLine($"cluster {cl.Label}: members {string.Join(",", cl.Members)} rep {cl.Representative} angles {string.Join(",", cl.Angles.Select(v => v.ToString("F2")))} iso {cl.Isotropy:F3} amorphous {cl.IsAmorphous}");
        }
    }
}
