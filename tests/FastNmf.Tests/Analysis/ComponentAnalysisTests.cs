using FastNmf.Analysis;
using NUnit.Framework;

namespace FastNmf.Tests.Analysis;

public sealed class ComponentAnalysisTests
{
    private const int N = 64;

    // Two random lattices, the first also rotated by 40°, plus smooth rings: three clusters expected.
    private static float[] Diffractions()
    {
        var a = SyntheticPatterns.Spots(21, 10, 6, 28);
        var b = SyntheticPatterns.Spots(22, 10, 6, 28);
        return [.. SyntheticPatterns.Render(N, a, 0), .. SyntheticPatterns.Render(N, b, 0), .. SyntheticPatterns.Render(N, a, 40),
            .. TestSupport.Patterns.Rings(N, 3)];
    }

    [Test]
    public void Run_DiffractionsOnly_GroupsRotatedCopies_AndFlagsTheRingsAmorphous()
    {
        AnalysisResult r = ComponentAnalysis.Run(Diffractions(), 4, N, N);
        Assert.Multiple(() =>
        {
            Assert.That(r.HasMaps, Is.False);
            Assert.That(r.Labels[0], Is.EqualTo(r.Labels[2]));
            Assert.That(r.Labels.Distinct().Count(), Is.EqualTo(3));
            Assert.That(r.Linkage.GetLength(0), Is.EqualTo(3));
            Assert.That(r.Linkage.GetLength(1), Is.EqualTo(4));
            Assert.That(r.Linkage[2, 3], Is.EqualTo(4), "the last merge holds every component");
            Assert.That(r.Clusters.Single(c => c.IsAmorphous).Members, Is.EqualTo(new[] { 3 }));
            ComponentCluster pair = r.Clusters[r.Labels[0] - 1];
            Assert.That(pair.SummedMap, Is.Null);
            Assert.That(pair.Angles[pair.Members.ToList().IndexOf(2)] - pair.Angles[pair.Members.ToList().IndexOf(0)], Is.EqualTo(40).Within(r.BinDegrees));
            Assert.That(r.Rotation[0, 2], Is.EqualTo(40).Within(r.BinDegrees));
            Assert.That(r.DiffractionSimilarity[0, 2], Is.GreaterThan(0.95));
            Assert.That(r.Cosine[0, 2], Is.LessThan(0.5));
        });
    }

    [Test]
    public void Run_WithMaps_RepresentativeHasTheLargestMapNorm_AndMapsAreSummed()
    {
        const int scan = 5;
        var maps = new float[4 * scan * scan];
        for (int i = 0; i < maps.Length; i++)
        {
            maps[i] = i < scan * scan ? 1 : i < 3 * scan * scan ? 2 : 3; // component 2 has the larger map than 0
        }

        AnalysisResult r = ComponentAnalysis.Run(Diffractions(), maps, 4, N, N, scan, scan);
        ComponentCluster pair = r.Clusters[r.Labels[0] - 1];
        Assert.Multiple(() =>
        {
            Assert.That(r.HasMaps, Is.True);
            Assert.That(pair.Representative, Is.EqualTo(2));
            Assert.That(pair.SummedMap, Is.EqualTo(Enumerable.Repeat(3f, scan * scan)));
            Assert.That(pair.Angles[pair.Members.ToList().IndexOf(0)], Is.EqualTo(-40).Within(r.BinDegrees), "0 is rotated by −40° relative to 2");
        });
    }

    [Test]
    public void Run_ClusterCount_CutsIntoThatMany()
    {
        AnalysisResult r = ComponentAnalysis.Run(Diffractions(), 4, N, N, new AnalysisOptions { ClusterCount = 2, Linkage = LinkageMethod.Complete });
        Assert.That(r.Clusters, Has.Count.EqualTo(2));
    }

    [Test]
    public void Run_OneComponent_ThrowsNamingTheCount()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ComponentAnalysis.Run(Diffractions().AsSpan(0, N * N), 1, N, N));
        Assert.That(e!.Message, Does.Contain("at least 2 components"));
    }

    [Test]
    public void Run_AllZeroW_ThrowsNamingTheDiffractions()
    {
        var e = Assert.Throws<ArgumentException>(() => ComponentAnalysis.Run(new float[2 * N * N], 2, N, N));
        Assert.That(e!.ParamName, Is.EqualTo("diffractions"));
        Assert.That(e.Message, Does.Contain("diffraction 0"));
    }

    [Test]
    public void Run_NaNInMaps_ThrowsNamingTheMap()
    {
        var maps = new float[4 * 9];
        maps[20] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => ComponentAnalysis.Run(Diffractions(), maps, 4, N, N, 3, 3));
        Assert.That(e!.ParamName, Is.EqualTo("maps"));
        Assert.That(e.Message, Does.Contain("map 2, element 2"));
    }

    [Test]
    public void Run_BadOptions_ThrowNamingTheOption()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => ComponentAnalysis.Run(Diffractions(), 4, N, N, new AnalysisOptions { DistanceThreshold = double.NaN }))!.ParamName,
            Is.EqualTo("DistanceThreshold"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => ComponentAnalysis.Run(Diffractions(), 4, N, N, new AnalysisOptions { ClusterCount = 0 }))!.ParamName,
            Is.EqualTo("ClusterCount"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => ComponentAnalysis.Run(Diffractions(), 4, N, N, new AnalysisOptions { Polar = new(PhiSamples: 2) }))!.ParamName,
            Is.EqualTo("PhiSamples"));
    }

    [Test]
    public void CosineMatrix_IsEq9()
    {
        float[] v = [1, 0, 0, 1, 1, 1, 0, 0, 0];
        double[,] c = Similarity.CosineMatrix(v, 3, 3);
        Assert.Multiple(() =>
        {
            Assert.That(c[0, 0], Is.EqualTo(1));
            Assert.That(c[0, 1], Is.EqualTo(1 / Math.Sqrt(3)).Within(1e-12));
            Assert.That(c[1, 0], Is.EqualTo(c[0, 1]));
            Assert.That(c[2, 2], Is.EqualTo(0), "a zero vector");
        });
        Assert.Throws<ArgumentException>(() => Similarity.CosineMatrix(v, 2, 3));
    }
}
