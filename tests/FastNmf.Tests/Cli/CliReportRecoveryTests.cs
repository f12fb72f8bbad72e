using System.Text.Json;
using FastNmf.Analysis;
using FastNmf.IO;
using FastNmf.Tests.Analysis;
using NUnit.Framework;

namespace FastNmf.Tests.Cli;

/// <summary>
/// The "done when", end to end through the runner (150 iterations × 2 restarts, as the recovery tests do): the
/// demo's report shows one amorphous and three crystalline clusters; on a data set with one lattice at four rotations,
/// the diffraction similarity puts the copies in one cluster and reports their angles, the cosine similarity does not.
/// </summary>
[Category("Slow")]
[TestFixture]
[NonParallelizable]
public sealed class CliReportRecoveryTests : CliHarness
{
    private static readonly double[] s_angles = [0, 23.5, 61, 137.25];

    [Test]
    public void Demo_Report_ShowsOneAmorphousAndThreeCrystallineClusters()
    {
        Result result = Run("demo", "--out", PathOf("D"), "--iterations", "150", "--restarts", "2");

        Assert.That(result.Code, Is.Zero, result.ToString());
        using JsonDocument clusters = JsonDocument.Parse(File.ReadAllText(PathOf("D/clusters.json")));
        bool[] amorphous = clusters.RootElement.GetProperty("clusters").EnumerateArray().Select(c => c.GetProperty("amorphous").GetBoolean()).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(amorphous, Has.Length.EqualTo(4));
            Assert.That(amorphous.Count(a => a), Is.EqualTo(1));
            Assert.That(File.ReadAllText(PathOf("D/report.html")), Does.Contain("4 clusters: 1 amorphous, 3 crystalline"));
            Assert.That(result.Output, Does.Contain("4 — 1 amorphous, 3 crystalline"));
        });
    }

    [Test]
    public void RotatedCopies_DiffractionSimilarityGroupsThemWithTheirAngles_CosineDoesNot()
    {
        string input = PathOf("X.npy");
        Result simulate = Run("simulate", "--out", input, "--truth", PathOf("T"), "--seed", "2", "--crystals", "1", "--rotated-copies", string.Join(",", s_angles));
        Assert.That(simulate.Code, Is.Zero, simulate.ToString());

        Result result = Run("factorize", input, "-k", "6", "--out", PathOf("D"), "--iterations", "150", "--restarts", "2", "--seed", "1", "--truth", PathOf("T"));

        Assert.That(result.Code, Is.Zero, result.ToString());
        int[] copies = FoundComponentsOfTheCopies();
        using JsonDocument clusters = JsonDocument.Parse(File.ReadAllText(PathOf("D/clusters.json")));
        JsonElement root = clusters.RootElement;
        int[] labels = root.GetProperty("labels").EnumerateArray().Select(l => l.GetInt32()).ToArray();
        int[] byCosine = root.GetProperty("labels_by_cosine").EnumerateArray().Select(l => l.GetInt32()).ToArray();
        JsonElement cluster = root.GetProperty("clusters").EnumerateArray().First(c => c.GetProperty("label").GetInt32() == labels[copies[0]]);
        int[] members = cluster.GetProperty("members").EnumerateArray().Select(m => m.GetInt32()).ToArray();
        double[] angles = cluster.GetProperty("angles_deg").EnumerateArray().Select(a => a.GetDouble()).ToArray();
        int reference = Array.IndexOf(copies, cluster.GetProperty("representative").GetInt32());
        Assert.Multiple(() =>
        {
            Assert.That(members, Is.EquivalentTo(copies), "the four rotated copies, and only they, form one cluster");
            // Cosine: the rings the copies share with every component outweigh their common lattice, so they never form a
            // cluster of their own (here they sink into one cluster with everything), and each copy's nearest neighbour
            // is not one of its rotated siblings.
            Assert.That(byCosine.Select((l, c) => (l, c)).GroupBy(p => p.l).Select(g => g.Select(p => p.c).Order().ToArray()),
                Has.None.EqualTo(copies.Order().ToArray()), "no cosine cluster is the copies alone");
            NpyArray cosine = NpyReader.ReadFloat32(PathOf("D/similarity.npy"));
            int k = labels.Length;
            foreach (int c in copies)
            {
                int nearest = Enumerable.Range(0, k).Where(j => j != c).MaxBy(j => cosine.Data[(c * k) + j]);
                Assert.That(copies, Does.Not.Contain(nearest), $"cosine-nearest neighbour of copy {c}");
            }
            Assert.That(reference, Is.GreaterThanOrEqualTo(0));
            for (int i = 0; i < copies.Length; i++)
            {
                double found = angles[Array.IndexOf(members, copies[i])];
                double applied = s_angles[i] - s_angles[reference];
                Assert.That(SyntheticPatterns.AngleError(found, applied, 180), Is.LessThan(2.0), $"copy rotated {s_angles[i]}°: found {found}° relative to the representative");
            }

            Assert.That(File.ReadAllText(PathOf("D/report.html")), Does.Contain("Comparison with the truth"));
        });
    }

    /// <summary>Found component matched to each rotated copy (truth components 2..5: amorphous, crystal A, then the copies).</summary>
    private int[] FoundComponentsOfTheCopies()
    {
        NpyArray w = NpyReader.ReadFloat32(PathOf("D/W.npy"));
        NpyArray h = NpyReader.ReadFloat32(PathOf("D/H.npy"));
        NpyArray tw = NpyReader.ReadFloat32(PathOf("T/W_true.npy"));
        NpyArray th = NpyReader.ReadFloat32(PathOf("T/H_true.npy"));
        using JsonDocument truth = JsonDocument.Parse(File.ReadAllText(PathOf("T/truth.json")));
        string[] names = truth.RootElement.GetProperty("components").EnumerateArray().Select(n => n.GetString()!).ToArray();
        int det = (int)(w.Shape[1] * w.Shape[2]);
        int scan = (int)(h.Shape[1] * h.Shape[2]);
        IReadOnlyList<ComponentMatch> matches = TruthComparison.Compare(w.Data, h.Data, (int)w.Shape[0], tw.Data, th.Data, names, det, scan);
        return matches.Skip(2).Select(m => m.Found).ToArray();
    }
}
