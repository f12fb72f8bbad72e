using FastNmf.Constraints;
using FastNmf.Kernels.Polar;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Constraints;

public sealed class DarkSpotFillTests
{
    private const int N = 64;

    private static DarkSpotFill Create(bool[]? masked = null) =>
        DarkSpotFill.Create(N, N, masked ?? [], new PolarConstraintOptions(), new PolarGatherScalar());

    [Test]
    public void Apply_SmoothRings_ComeBackUnchangedWithinDiscretisation()
    {
        // A rotationally symmetric pattern has no dark spots. The only change allowed is the discretisation error of
        // sampling a continuous radial profile at integer radii (O(h²·f″)): ≈1 % of the peak on the flanks of
        // σ = 3 px rings, under 0.6 % of the total intensity, less for broader rings.
        float[] img = Patterns.Rings(N, sigma: 3.0);
        float[] before = (float[])img.Clone();
        Create().Apply(img);
        double maxChange = img.Zip(before, (a, b) => Math.Abs(a - b)).Max();
        double totalChange = img.Zip(before, (a, b) => (double)Math.Abs(a - b)).Sum();
        Assert.Multiple(() =>
        {
            Assert.That(maxChange, Is.LessThan(0.015 * before.Max()));
            Assert.That(totalChange, Is.LessThan(0.006 * before.Sum(v => (double)v)));
        });

        float[] broad = Patterns.Rings(N, sigma: 6.0);
        float[] broadBefore = (float[])broad.Clone();
        Create().Apply(broad);
        Assert.That(broad.Zip(broadBefore, (a, b) => Math.Abs(a - b)).Max(), Is.LessThan(0.008 * broadBefore.Max()), "σ = 6 px");
    }

    [Test]
    public void Apply_ConstantPerRadiusPattern_IsExactlyUnchanged()
    {
        // A flat pattern is exactly representable: every sample equals the baseline, nothing is below it.
        var img = Enumerable.Repeat(0.75f, N * N).ToArray();
        int raised = Create().Apply(img);
        Assert.Multiple(() =>
        {
            Assert.That(raised, Is.Zero);
            Assert.That(img, Is.All.EqualTo(0.75f));
        });
    }

    [Test]
    public void Apply_BraggSpotsOnRings_KeepFullSharpness()
    {
        float[] img = Patterns.Rings(N, sigma: 3.0);
        Patterns.AddSpot(img, N, 32 - 12, 32, height: 20);
        Patterns.AddSpot(img, N, 32, 32 + 24, height: 20);
        float[] before = (float[])img.Clone();
        Create().Apply(img);
        Assert.Multiple(() =>
        {
            // Spot peaks are far above any baseline: untouched, bit for bit.
            Assert.That(img[(20 * N) + 32], Is.EqualTo(before[(20 * N) + 32]));
            Assert.That(img[(32 * N) + 56], Is.EqualTo(before[(32 * N) + 56]));
            Assert.That(img.Zip(before, (a, b) => a - b).Min(), Is.GreaterThanOrEqualTo(0f), "the constraint only raises");
        });
    }

    [Test]
    public void Apply_DarkSpotCutIntoRing_IsFilledToTheRingLevel()
    {
        float[] clean = Patterns.Rings(N, sigma: 3.0);
        float[] img = (float[])clean.Clone();
        Patterns.CutSpot(img, N, 32 + 12, 32, radius: 2.5, factor: 0.2);
        int centre = (44 * N) + 32;
        Assert.That(img[centre], Is.LessThan(0.5f * clean[centre]), "precondition: the spot is dark");
        int raised = Create().Apply(img);
        Assert.Multiple(() =>
        {
            Assert.That(raised, Is.GreaterThan(5));
            // Filled to the radial mean, which the dark spot itself pulls down a little (the paper's definition).
            Assert.That(img[centre], Is.EqualTo(clean[centre]).Within(0.08 * clean[centre]));
            Assert.That(DarkSpotScoreOf(img), Is.LessThan(0.2 * DarkSpotScoreOf(Cut(clean))));
        });
    }

    [Test]
    public void Apply_MaskedPixels_AreNeitherUsedNorChanged()
    {
        float[] img = Patterns.Rings(N, sigma: 3.0);
        var masked = new bool[N * N];
        for (int r = 28; r <= 36; r++)
        {
            for (int c = 28; c <= 36; c++)
            {
                masked[(r * N) + c] = true;
                img[(r * N) + c] = 0; // a masked direct beam refolds as 0: it must not read as a dark spot
            }
        }

        float[] before = (float[])img.Clone();
        Create(masked).Apply(img);
        for (int i = 0; i < img.Length; i++)
        {
            if (masked[i])
            {
                Assert.That(img[i], Is.EqualTo(0f), $"masked pixel {i} changed");
            }
        }

        Assert.That(img.Zip(before, (a, b) => Math.Abs(a - b)).Max(), Is.LessThan(0.015 * before.Max()), "the zeroed beam is not a dark spot");
    }

    [Test]
    public void Create_InvalidOptions_Throw()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => DarkSpotFill.Create(N, N, [], new PolarConstraintOptions(PhiSamples: 2), new PolarGatherScalar()),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("PhiSamples"));
            Assert.That(() => DarkSpotFill.Create(N, N, [], new PolarConstraintOptions(OutlierFactor: 0.5), new PolarGatherScalar()),
                Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("OutlierFactor"));
        });
    }

    private static float[] Cut(float[] clean)
    {
        float[] img = (float[])clean.Clone();
        Patterns.CutSpot(img, N, 32 + 12, 32, radius: 2.5, factor: 0.2);
        return img;
    }

    private static double DarkSpotScoreOf(float[] img) => FastNmf.Analysis.DarkSpotScore.Compute(img, N, N);
}
