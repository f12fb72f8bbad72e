using System.Text.Json;
using FastNmf.Analysis;
using NUnit.Framework;

namespace FastNmf.Tests.Analysis;

public sealed class HierarchicalClusteringTests
{
    private static readonly string s_golden = Path.Combine(TestContext.CurrentContext.TestDirectory, "Analysis", "Golden", "linkage_golden.json");

    public static IEnumerable<TestCaseData> GoldenCases()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(s_golden));
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            double[,] d = Matrix(c.GetProperty("distances"));
            foreach (JsonElement m in c.GetProperty("methods").EnumerateArray())
            {
                string method = m.GetProperty("method").GetString()!;
                var cuts = m.GetProperty("cuts").EnumerateArray()
                    .Select(x => (x.GetProperty("criterion").GetString()!, x.GetProperty("t").GetDouble(), x.GetProperty("labels").EnumerateArray().Select(l => l.GetInt32()).ToArray()))
                    .ToArray();
                yield return new TestCaseData(d, Enum.Parse<LinkageMethod>(method, ignoreCase: true), Matrix(m.GetProperty("linkage")), cuts)
                    .SetArgDisplayNames(c.GetProperty("name").GetString()!, method);
            }
        }
    }

    [TestCaseSource(nameof(GoldenCases))]
    public void Linkage_FixedDistances_MatchesSciPy(double[,] distances, LinkageMethod method, double[,] expected, (string Criterion, double T, int[] Labels)[] cuts)
    {
        double[,] z = HierarchicalClustering.Linkage(distances, method);
        Assert.That(z.GetLength(0), Is.EqualTo(expected.GetLength(0)));
        Assert.That(z.GetLength(1), Is.EqualTo(4));
        for (int i = 0; i < z.GetLength(0); i++)
        {
            Assert.That(z[i, 0], Is.EqualTo(expected[i, 0]), $"row {i} first id");
            Assert.That(z[i, 1], Is.EqualTo(expected[i, 1]), $"row {i} second id");
            Assert.That(z[i, 2], Is.EqualTo(expected[i, 2]).Within(1e-12).Percent, $"row {i} distance");
            Assert.That(z[i, 3], Is.EqualTo(expected[i, 3]), $"row {i} size");
        }

        foreach ((string criterion, double t, int[] labels) in cuts)
        {
            int[] found = criterion == "distance" ? HierarchicalClustering.CutByDistance(z, t) : HierarchicalClustering.CutByCount(z, (int)t);
            Assert.That(found, Is.EqualTo(labels), $"fcluster {criterion} t = {t}");
        }
    }

    [Test]
    public void CutByCount_AsManyClustersAsObservationsMinusOne_GivesThemAsDocumented()
    {
        // Four points on a line at distinct gaps: asking for 3 clusters must join only the closest pair (SciPy 1.10
        // returns 2 here, see the golden script).
        double[,] d = Distances([0, 1, 3, 6]);
        double[,] z = HierarchicalClustering.Linkage(d, LinkageMethod.Single);
        int[] labels = HierarchicalClustering.CutByCount(z, 3);
        Assert.That(labels.Max(), Is.EqualTo(3));
        Assert.That(labels[0], Is.EqualTo(labels[1]));
        Assert.That(HierarchicalClustering.CutByCount(z, 4).Distinct().Count(), Is.EqualTo(4));
        Assert.That(HierarchicalClustering.CutByCount(z, 10).Distinct().Count(), Is.EqualTo(4));
        Assert.That(HierarchicalClustering.CutByCount(z, 1).Distinct().Count(), Is.EqualTo(1));
    }

    [Test]
    public void Linkage_OneObservation_ThrowsNamingTheParameter()
    {
        var e = Assert.Throws<ArgumentException>(() => HierarchicalClustering.Linkage(new double[1, 1], LinkageMethod.Average));
        Assert.That(e!.Message, Does.Contain("at least 2"));
    }

    [TestCase(double.NaN)]
    [TestCase(-1.0)]
    [TestCase(double.PositiveInfinity)]
    public void Linkage_BadDistance_Throws(double bad)
    {
        double[,] d = Distances([0, 1, 3]);
        d[0, 2] = d[2, 0] = bad;
        var e = Assert.Throws<ArgumentException>(() => HierarchicalClustering.Linkage(d, LinkageMethod.Complete));
        Assert.That(e!.Message, Does.Contain("(0, 2)"));
    }

    [Test]
    public void Linkage_Asymmetric_Throws()
    {
        double[,] d = Distances([0, 1, 3]);
        d[0, 1] = 1.5;
        Assert.Throws<ArgumentException>(() => HierarchicalClustering.Linkage(d, LinkageMethod.Ward));
    }

    [Test]
    public void Linkage_NotSquare_Throws() =>
        Assert.Throws<ArgumentException>(() => HierarchicalClustering.Linkage(new double[3, 2], LinkageMethod.Single));

    [Test]
    public void CutByDistance_BadLinkageMatrix_Throws()
    {
        var z = new double[2, 4] { { 0, 1, 1, 2 }, { 2, 7, 2, 3 } };
        var e = Assert.Throws<ArgumentException>(() => HierarchicalClustering.CutByDistance(z, 1));
        Assert.That(e!.ParamName, Is.EqualTo("linkage"));
        Assert.Throws<ArgumentException>(() => HierarchicalClustering.CutByDistance(new double[2, 3], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => HierarchicalClustering.CutByCount(new double[,] { { 0, 1, 1, 2 } }, 0));
    }

    private static double[,] Distances(double[] positions)
    {
        int n = positions.Length;
        var d = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                d[i, j] = Math.Abs(positions[i] - positions[j]);
            }
        }

        return d;
    }

    private static double[,] Matrix(JsonElement rows)
    {
        double[][] jagged = rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var m = new double[jagged.Length, jagged[0].Length];
        for (int i = 0; i < jagged.Length; i++)
        {
            for (int j = 0; j < jagged[i].Length; j++)
            {
                m[i, j] = jagged[i][j];
            }
        }

        return m;
    }
}
