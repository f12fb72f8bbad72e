using FastNmf.Constraints;
using FastNmf.Kernels.Polar;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Constraints;

/// <summary>[·]_W by the paper's route (r–φ and back): it fills dark spots partly, never lowers a pixel, and leaves a
/// pattern without dark spots nearly as it was.</summary>
public sealed class PolarRoundTripFillTests
{
    private const int N = 128;

    private static IDarkSpotFill Create(PolarFillRoute route) =>
        IDarkSpotFill.Create(N, N, [], new PolarConstraintOptions { Route = route }, new PolarGatherScalar());

    private static float[] Amorphous() => Simulator.Truth(new SimulationOptions()).Diffractions.AsSpan(0, N * N).ToArray();

    // A dark spot on the first ring (radius 0.30 R): a disc of 3 px around (64 − 19, 64) at a tenth of its value.
    private static (float[] Image, int[] Spot) WithDarkSpot()
    {
        float[] img = Amorphous();
        var spot = new List<int>();
        for (int r = 0; r < N; r++)
        {
            for (int c = 0; c < N; c++)
            {
                if (((r - 45) * (r - 45)) + ((c - 64) * (c - 64)) <= 9)
                {
                    img[(r * N) + c] *= 0.1f;
                    spot.Add((r * N) + c);
                }
            }
        }

        return (img, spot.ToArray());
    }

    [Test]
    public void Apply_DarkSpot_IsFilledPartly_WhereThePixelRouteFillsItWhole()
    {
        float[] clean = Amorphous();
        (float[] polar, int[] spot) = WithDarkSpot();
        float[] pixel = (float[])polar.Clone();
        float[] before = (float[])polar.Clone();
        Create(PolarFillRoute.Polar).Apply(polar);
        Create(PolarFillRoute.Pixel).Apply(pixel);
        double Filled(float[] img) => spot.Average(i => (img[i] - before[i]) / (clean[i] - before[i]));
        double partial = Filled(polar), whole = Filled(pixel);
        TestContext.Out.WriteLine($"dark spot filled: polar route {partial:P1}, pixel route {whole:P1}");
        Assert.Multiple(() =>
        {
            Assert.That(whole, Is.GreaterThan(0.93), "pixel route: to the baseline (within its interpolation between radii)");
            Assert.That(partial, Is.GreaterThan(0.5).And.LessThan(whole - 0.02), "polar route: partly");
            Assert.That(polar.Zip(before, (a, b) => a >= b).All(x => x), Is.True, "no pixel lowered");
        });
    }

    [Test]
    public void Apply_PatternWithoutDarkSpots_ChangesLittle_AndBraggSpotsKeepTheirPeaks()
    {
        float[] amorphous = Amorphous();
        float[] img = (float[])amorphous.Clone();
        Create(PolarFillRoute.Polar).Apply(img);
        double peak = amorphous.Max();
        Assert.That(img.Zip(amorphous, (a, b) => Math.Abs(a - b)).Max(), Is.LessThan(0.03 * peak), "amorphous rings");

        float[] crystal = Simulator.Truth(new SimulationOptions()).Diffractions.AsSpan(N * N, N * N).ToArray();
        float[] filled = (float[])crystal.Clone();
        Create(PolarFillRoute.Polar).Apply(filled);
        int brightest = Array.IndexOf(crystal, crystal.Max());
        Assert.That(filled[brightest], Is.EqualTo(crystal[brightest]).Within(1).Percent, "a Bragg spot is not resampled");
    }
}
