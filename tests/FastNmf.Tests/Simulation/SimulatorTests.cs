using FastNmf.Analysis;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Simulation;

public sealed class SimulatorTests
{
    [Test]
    public void Truth_Diffractions_AreNormalised_AndTheAmorphousOneIsRotationallySymmetric()
    {
        SimulatedTruth t = Simulator.Truth(new SimulationOptions());
        int n = 128 * 128;
        Assert.That(t.Components, Is.EqualTo(4));
        for (int c = 0; c < 4; c++)
        {
            Assert.That(t.Diffractions.AsSpan(c * n, n).ToArray().Sum(v => (double)v), Is.EqualTo(1.0).Within(1e-4), t.Names[c]);
        }

        float[] amorphous = t.Diffractions.AsSpan(0, n).ToArray();
        double score = DarkSpotScore.Compute(amorphous, 128, 128);
        Assert.That(score, Is.LessThan(2e-3), "only discretisation");
        FastNmf.Tests.TestSupport.Patterns.CutSpot(amorphous, 128, 64 - 19, 64, 2, 0.3); // a dip on the first ring
        Assert.That(DarkSpotScore.Compute(amorphous, 128, 128), Is.GreaterThan(2 * score), "a dark spot raises the score");
    }

    [Test]
    public void Truth_Maps_HaveThePapersCrystallinityLevelsAtAreaCentres()
    {
        SimulatedTruth t = Simulator.Truth(new SimulationOptions());
        int nXy = 36 * 36;
        double dose = 1e4;
        double[] levels = [0.09, 0.03, 0.01];
        for (int c = 1; c <= 3; c++)
        {
            int y = ((c - 1) * 12) + 6;
            for (int j = 0; j < 3; j++)
            {
                int x = (j * 12) + 6;
                double f = t.Maps[(c * nXy) + (y * 36) + x] / dose;
                Assert.That(f, Is.EqualTo(levels[j]).Within(0.1 * levels[j]), $"crystal {c}, area {j}");
            }
        }

        // Fractions sum to one everywhere; a corner is pure amorphous matrix.
        for (int i = 0; i < nXy; i++)
        {
            double sum = 0;
            for (int c = 0; c < 4; c++)
            {
                sum += t.Maps[(c * nXy) + i];
            }

            Assert.That(sum, Is.EqualTo(dose).Within(1e-3 * dose));
        }

        Assert.That(t.Maps[0] / dose, Is.GreaterThan(0.999));
    }

    [Test]
    public void GenerateFrame_IsPoissonCountsWithTheDose_SeededPerFrame()
    {
        var o = new SimulationOptions { ScanRows = 6, ScanCols = 6, DetRows = 32, DetCols = 32, Seed = 5 };
        SimulatedTruth t = Simulator.Truth(o);
        var a = new float[32 * 32];
        var b = new float[32 * 32];
        double total = 0;
        for (int j = 0; j < 36; j++)
        {
            Simulator.GenerateFrame(t, j, a);
            Assert.That(a.All(v => v >= 0 && v == MathF.Round(v)), Is.True, "integer counts");
            total += a.Sum(v => (double)v);
        }

        // 36 frames × N = 10⁴: the total is Poisson(3.6e5), σ = 600.
        Assert.That(total, Is.EqualTo(36 * 1e4).Within(3000));
        Simulator.GenerateFrame(t, 7, a);
        Simulator.GenerateFrame(t, 3, b);
        Simulator.GenerateFrame(t, 7, b);
        Assert.That(b, Is.EqualTo(a), "a frame does not depend on the order frames are made in");
        Simulator.GenerateFrame(Simulator.Truth(o with { Seed = 6 }), 7, b);
        Assert.That(b, Is.Not.EqualTo(a));
    }

    [Test]
    public void Generate_ZeroDose_IsTheNoiseFreeExpectation()
    {
        var o = new SimulationOptions { ScanRows = 6, ScanCols = 6, DetRows = 32, DetCols = 32, Dose = 0 };
        (FastNmf.Data.Dataset4D data, SimulatedTruth t) = Simulator.Generate(o);
        Assert.That(data.Frame(0, 0).ToArray().Sum(v => (double)v), Is.EqualTo(1.0).Within(1e-4), "dose 0 gives fractions: one unit per frame");
        Assert.That(data.Data.All(v => v == MathF.Round(v)), Is.False, "no Poisson rounding");
        Assert.That(t.Maps.Take(36).All(v => v > 0.5f && v <= 1f), Is.True, "amorphous fraction");
    }

    [Test]
    public void Options_OutOfRange_AreRejectedByName()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Simulator.Truth(new SimulationOptions { DetRows = 4 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("DetRows"));
            Assert.That(() => Simulator.Truth(new SimulationOptions { Crystals = 9 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Crystals"));
            Assert.That(() => Simulator.Truth(new SimulationOptions { Dose = double.NaN }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Dose"));
        });
    }
}
