using FastNmf.Analysis;
using FastNmf.Data;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Analysis;

/// <summary>
/// The analysis end to end on factorized simulated data (150 iterations × 2 restarts, as the recovery tests do):
/// the rotated-lattice set (amorphous matrix, crystal A, four copies of the oblique crystal D rotated by known angles,
/// each in its own row of areas) and the paper's demo set.
/// </summary>
[Category("Slow")]
[NonParallelizable]
public sealed class ComponentAnalysisRecoveryTests
{
    private static readonly double[] s_angles = [0, 23.5, 61, 137.25];
    private static SimulatedTruth s_truth = null!;
    private static NmfResult s_result = null!;
    private static int[] s_found = null!;

    // The paper's demo set (seed 1) and its constrained factorization at k = 4, which two tests check: computed once.
    private static readonly Lazy<(Dataset4D Data, SimulatedTruth Truth)> s_demo = new(() => Simulator.Generate(new SimulationOptions { Seed = 1 }));
    private static readonly Lazy<NmfResult> s_demoConstrainedK4 = new(() => FactorizeDemo(new NmfOptions { Components = 4, Iterations = 150, Restarts = 2, Seed = 1 }));

    [OneTimeSetUp]
    public static void Factorize()
    {
        var options = new SimulationOptions { Seed = 2, Crystals = 1, RotatedCopies = s_angles };
        (Dataset4D data, s_truth) = Simulator.Generate(options);
        using UnfoldedData x = UnfoldedData.Create(data);
        s_result = Factorizer.Run(x, new NmfOptions { Components = options.Components, Iterations = 150, Restarts = 2, Seed = 1 });
        s_found = TruthComparison.Compare(s_result, s_truth).Select(m => m.Found).ToArray();
    }

    [Test]
    public void DiffractionSimilarity_GroupsTheRotatedCopies_AndRecoversTheirAngles()
    {
        AnalysisResult a = ComponentAnalysis.Run(s_result);
        int[] copies = s_found[2..];
        ComponentCluster cluster = a.Clusters[a.Labels[copies[0]] - 1];
        Assert.That(cluster.Members, Is.EquivalentTo(copies), "the four rotated copies, and nothing else, form one cluster");
        Assert.That(a.Clusters, Has.Count.EqualTo(3), "amorphous, crystal A, crystal D");
        Assert.That(a.Clusters.Single(c => c.Members.Contains(s_found[0])).IsAmorphous, Is.True);
        Assert.That(a.Clusters.Count(c => c.IsAmorphous), Is.EqualTo(1));

        // Angles relative to the representative against the applied ones (crystal D is only 2-fold: modulo 180°).
        int repTruth = Array.IndexOf(s_found, cluster.Representative);
        for (int m = 0; m < cluster.Members.Count; m++)
        {
            int t = Array.IndexOf(s_found, cluster.Members[m]);
            double applied = s_truth.Rotations[t] - s_truth.Rotations[repTruth];
            double error = SyntheticPatterns.AngleError(cluster.Angles[m], applied, 360.0 / s_truth.RotationalSymmetry[t]);
            TestContext.Progress.WriteLine($"{s_truth.Names[t]}: applied {applied:+0.00;-0.00} relative to {s_truth.Names[repTruth]}, found {cluster.Angles[m]:+0.000;-0.000} (error {error:F3}°); " +
                $"diffraction similarity {a.DiffractionSimilarity[cluster.Representative, cluster.Members[m]]:F3}, cosine {a.Cosine[cluster.Representative, cluster.Members[m]]:F3}");
            Assert.That(error, Is.LessThanOrEqualTo(a.BinDegrees), $"{s_truth.Names[t]}");
        }

        // Every pair of copies, both ways.
        foreach (int i in copies)
        {
            foreach (int j in copies)
            {
                double applied = s_truth.Rotations[Array.IndexOf(s_found, j)] - s_truth.Rotations[Array.IndexOf(s_found, i)];
                Assert.That(SyntheticPatterns.AngleError(a.Rotation[i, j], applied, 180), Is.LessThanOrEqualTo(a.BinDegrees), $"rotation[{i}, {j}]");
                Assert.That(a.DiffractionSimilarity[i, j], Is.GreaterThan(0.9));
            }
        }
    }

    [Test]
    public void CosineSimilarity_DoesNotGroupTheRotatedCopies()
    {
        int[] copies = s_found[2..];
        foreach (AnalysisOptions options in new[]
        {
            new AnalysisOptions { ClusterBy = SimilarityMeasure.Cosine },
            new AnalysisOptions { ClusterBy = SimilarityMeasure.Cosine, ClusterCount = 3 },
            new AnalysisOptions { ClusterBy = SimilarityMeasure.Cosine, DistanceThreshold = 0.1 },
        })
        {
            AnalysisResult a = ComponentAnalysis.Run(s_result, options);
            TestContext.Progress.WriteLine($"cosine clustering (count {options.ClusterCount}, threshold {options.DistanceThreshold}): labels {string.Join(",", a.Labels)}");
            Assert.That(a.Clusters.Any(c => c.Members.OrderBy(m => m).SequenceEqual(copies.OrderBy(m => m))), Is.False,
                "no cosine cluster is exactly the rotated copies");
            Assert.That(a.Clusters.All(c => c.Angles.All(v => v == 0)), Is.True, "cosine knows no rotation");
        }

        // Cosine sees the copies as less alike than each is to the amorphous matrix (its ring share dominates).
        AnalysisResult r = ComponentAnalysis.Run(s_result);
        Assert.That(r.Cosine[copies[0], copies[1]], Is.LessThan(r.Cosine[copies[0], s_found[0]]));
    }

    [Test]
    public void ClusterAverage_OfTheRotatedCopies_IsAlignedWithItsRepresentative()
    {
        AnalysisResult a = ComponentAnalysis.Run(s_result);
        ComponentCluster cluster = a.Clusters[a.Labels[s_found[2]] - 1];
        ReadOnlySpan<float> rep = s_result.Diffraction(cluster.Representative);
        double aligned = Similarity.Cosine(cluster.AverageDiffraction, rep);
        double plain = Similarity.Cosine(PlainAverage(cluster.Members), rep);
        (double spots, double angle) = DiffractionSimilarity.Compare(rep, cluster.AverageDiffraction, a.DetRows, a.DetCols);
        Assert.Multiple(() =>
        {
            Assert.That(spots, Is.GreaterThan(0.95), "the average has the representative's spots");
            Assert.That(Math.Abs(angle), Is.LessThanOrEqualTo(a.BinDegrees), "at the representative's orientation");
            Assert.That(aligned, Is.GreaterThan(plain), "closer to the representative than an unrotated average");
            Assert.That(cluster.SummedMap, Is.Not.Null);
            Assert.That(cluster.SummedMap!.Sum(v => (double)v), Is.EqualTo(cluster.Members.Sum(m => s_result.Map(m).ToArray().Sum(v => (double)v))).Within(1e-3).Percent);
            Assert.That(cluster.AverageDiffraction.Sum(v => (double)v), Is.EqualTo(1).Within(0.05), "a weighted mean of unit-L1 diffractions");
        });
    }

    [Test]
    public void Demo_ConstrainedFactorization_ShowsOneAmorphousAndThreeCrystallineClusters_EvenWithTooManyComponents()
    {
        // k = 4 and the plain protocol at k = 6: exactly one amorphous and three crystalline clusters (the plain
        // protocol's spare components are more amorphous ones). With the amorphous share removed (the default), spare
        // components lose their amorphous share too and are left weak: clusters of their own, each explaining little.
        SimulatedTruth truth = s_demo.Value.Truth;
        foreach ((int k, bool remove) in new[] { (4, true), (6, false), (6, true) })
        {
            NmfResult r = k == 4 ? s_demoConstrainedK4.Value : FactorizeDemo(new NmfOptions { Components = k, Iterations = 150, Restarts = 2, Seed = 1, RemoveAmorphousShare = remove });
            AnalysisResult a = ComponentAnalysis.Run(r);
            IReadOnlyList<ComponentMatch> m = TruthComparison.Compare(r, truth);
            string run = $"k = {k}, amorphous share {(remove ? "removed" : "kept")}";
            TestContext.Progress.WriteLine($"demo {run}: labels {string.Join(",", a.Labels)}, amorphous clusters {a.Clusters.Count(c => c.IsAmorphous)}");
            ComponentCluster amorphous = a.Clusters.Single(c => c.IsAmorphous);
            Assert.That(amorphous.Members, Does.Contain(m[0].Found), $"{run}: the amorphous cluster holds the amorphous component");
            var truthClusters = new HashSet<int> { a.Labels[m[0].Found] };
            for (int c = 1; c < 4; c++)
            {
                ComponentCluster crystal = a.Clusters[a.Labels[m[c].Found] - 1];
                Assert.That(crystal.IsAmorphous, Is.False, $"{run}: {m[c].Name}");
                Assert.That(crystal.Members, Has.Count.EqualTo(1), $"{run}: {m[c].Name} alone");
                truthClusters.Add(crystal.Label);
            }

            if (k == 4 || !remove)
            {
                Assert.That(a.Clusters, Has.Count.EqualTo(4), run);
                continue;
            }

            double total = r.H.Sum(v => (double)v);
            foreach (ComponentCluster spare in a.Clusters.Where(c => !truthClusters.Contains(c.Label)))
            {
                Assert.That(spare.SummedMap!.Sum(v => (double)v) / total, Is.LessThan(0.02), $"{run}: a spare cluster explains little");
            }
        }
    }

    [Test]
    public void Pca_IsTheLowerBoundOfTheNmfMse()
    {
        using UnfoldedData x = UnfoldedData.Create(s_demo.Value.Data);
        PcaSpectrum pca = Pca.Spectrum(x, 8);
        NmfResult als = Factorizer.Run(x, new NmfOptions { Components = 4, Method = NmfMethod.Als, Iterations = 150, Restarts = 2, Seed = 1 });
        NmfResult constrained = s_demoConstrainedK4.Value;
        TestContext.Progress.WriteLine($"PCA rank-4 MSE {pca.Mse[4]:F6} ({pca.Method}, {pca.Elapsed.TotalMilliseconds:F0} ms); ALS {als.Mse:F6}; constrained {constrained.Mse:F6}");
        Assert.Multiple(() =>
        {
            Assert.That(als.Mse, Is.GreaterThanOrEqualTo(pca.Mse[4] * (1 - 1e-6)));
            Assert.That(constrained.Mse, Is.GreaterThan(als.Mse));
            Assert.That(pca.IsNmfWithin(als.Mse, 4, 1e-3), Is.True, "primitive ALS converges onto the bound");
            Assert.That(pca.IsNmfWithin(pca.Mse[3], 4, 1e-3), Is.False, "the rank-3 bound is no fit for k = 4");
        });
    }

    private static NmfResult FactorizeDemo(NmfOptions options)
    {
        using UnfoldedData x = UnfoldedData.Create(s_demo.Value.Data);
        return Factorizer.Run(x, options);
    }

    private float[] PlainAverage(IReadOnlyList<int> members)
    {
        int n = s_result.DetRows * s_result.DetCols;
        var sum = new float[n];
        foreach (int m in members)
        {
            ReadOnlySpan<float> d = s_result.Diffraction(m);
            for (int i = 0; i < n; i++)
            {
                sum[i] += d[i] / members.Count;
            }
        }

        return sum;
    }
}
