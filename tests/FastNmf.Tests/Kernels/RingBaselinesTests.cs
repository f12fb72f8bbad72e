using FastNmf.Kernels.Polar;
using NUnit.Framework;

namespace FastNmf.Tests.Kernels;

/// <summary>
/// <see cref="IPolarGather.RingBaselines"/>: the scalar twin against the definition written out here (two passes in
/// plain sequential double sums), and the AVX2 version bit for bit against the scalar twin, on φ counts that leave every
/// tail length (0–3) of the four-lane sums.
/// </summary>
[TestFixture]
public sealed class RingBaselinesTests
{
    private const double Factor = 2.0;

    [TestCase(40)]
    [TestCase(37)]
    [TestCase(39)]
    [TestCase(360)]
    public void Scalar_RandomRingsWithSpotsAndMask_MatchesTheDefinition(int phi)
    {
        (PolarSamplingMap map, float[] polar) = Case(phi, seed: phi);
        var baseline = new double[map.Radii];
        new PolarGatherScalar().RingBaselines(polar, map, Factor, baseline);
        Assert.Multiple(() =>
        {
            Assert.That(double.IsNaN(baseline[0]), Is.True, "radius 0 sits on the masked centre: no valid sample");
            for (int r = 1; r < map.Radii; r++)
            {
                Assert.That(baseline[r], Is.EqualTo(Definition(polar, map, r)).Within(1e-12).Percent, $"radius {r}");
            }
        });
    }

    [TestCase(40)]
    [TestCase(37)]
    [TestCase(38)]
    [TestCase(39)]
    [TestCase(360)]
    public void Avx2_RandomRings_AreBitIdenticalToScalar(int phi)
    {
        if (!PolarGatherAvx2.IsSupported)
        {
            Assert.Ignore("AVX2 is not available on this machine (or disabled by DOTNET_EnableAVX2=0).");
        }

        (PolarSamplingMap map, float[] polar) = Case(phi, seed: 100 + phi);
        var scalar = new double[map.Radii];
        var vector = new double[map.Radii];
        new PolarGatherScalar().RingBaselines(polar, map, Factor, scalar);
        new PolarGatherAvx2().RingBaselines(polar, map, Factor, vector);
        Assert.That(vector, Is.EqualTo(scalar).AsCollection);
    }

    [Test]
    public void RingBaselines_OutputTooShort_ThrowsArgumentException()
    {
        (PolarSamplingMap map, float[] polar) = Case(40, seed: 1);
        Assert.That(() => new PolarGatherScalar().RingBaselines(polar, map, Factor, new double[map.Radii - 1]), Throws.ArgumentException);
    }

    // A 33×33 detector with its centre pixel masked, rings of random values with a few Bragg-like outliers (10× the
    // level) and, for invalid samples, garbage that must not count.
    private static (PolarSamplingMap Map, float[] Polar) Case(int phi, int seed)
    {
        const int size = 33;
        var masked = new bool[size * size];
        masked[(16 * size) + 16] = true;
        var map = new PolarSamplingMap(size, size, 16, 16, 17, phi, masked);
        var rng = new Random(seed);
        var polar = new float[map.Radii * phi];
        for (int s = 0; s < polar.Length; s++)
        {
            float level = (float)(1 + rng.NextDouble());
            polar[s] = !map.Valid[s] ? 1e6f : rng.Next(12) == 0 ? 10 * level : level;
        }

        return (map, polar);
    }

    private static double Definition(float[] polar, PolarSamplingMap map, int r)
    {
        int n = map.PhiSamples;
        var valid = Enumerable.Range(r * n, n).Where(s => map.Valid[s]).Select(s => (double)polar[s]).ToArray();
        double mean = valid.Sum() / valid.Length;
        double[] kept = valid.Where(v => !(mean > 0 && v > Factor * mean)).ToArray();
        return kept.Length > 0 ? kept.Sum() / kept.Length : mean;
    }
}
