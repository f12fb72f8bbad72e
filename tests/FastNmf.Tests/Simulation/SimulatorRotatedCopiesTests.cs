using System.Security.Cryptography;
using FastNmf.Analysis;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Simulation;

public sealed class SimulatorRotatedCopiesTests
{
    [Test]
    public void Truth_DefaultOptions_AreBitIdenticalToTheDataSetBeforeRotatedCopies()
    {
        // SHA-256 of the default truth (diffractions, maps) and four noisy frames, computed with the simulator as it was
        // before rotated copies existed (main at b6a48fa).
        SimulatedTruth t = Simulator.Truth(new SimulationOptions { Seed = 1 });
        var bytes = new List<byte>();
        foreach (float v in t.Diffractions.Concat(t.Maps))
        {
            bytes.AddRange(BitConverter.GetBytes(v));
        }

        var frame = new float[128 * 128];
        foreach (int j in new[] { 0, 7, 640, 1295 })
        {
            Simulator.GenerateFrame(t, j, frame);
            foreach (float v in frame)
            {
                bytes.AddRange(BitConverter.GetBytes(v));
            }
        }

        Assert.That(Convert.ToHexString(SHA256.HashData(bytes.ToArray())), Is.EqualTo("CA83D1E274CDA6D521578336DACBA476BFA7667C014CF0B89016E1D0C430A322"));
        Assert.That(t.Rotations, Is.All.EqualTo(0.0));
        Assert.That(t.Lattices, Is.EqualTo(new[] { 0, 1, 2, 3 }));
        Assert.That(t.RotationalSymmetry, Is.EqualTo(new[] { 0, 4, 6, 2 }));
    }

    [Test]
    public void Truth_RotatedCopies_AreTheLatticeRotatedByTheGivenAngles_InAreasOfTheirOwn()
    {
        double[] angles = [0, 30, -47.5];
        var o = new SimulationOptions { ScanRows = 30, ScanCols = 30, DetRows = 96, DetCols = 96, Crystals = 1, RotatedCopies = angles };
        SimulatedTruth t = Simulator.Truth(o);
        int nUv = 96 * 96;
        int nXy = 30 * 30;
        Assert.Multiple(() =>
        {
            Assert.That(t.Components, Is.EqualTo(5));
            Assert.That(t.Names[3], Is.EqualTo("crystal D (oblique) rotated +30°"));
            Assert.That(t.Lattices, Is.EqualTo(new[] { 0, 1, 4, 4, 4 }));
            Assert.That(t.Rotations, Is.EqualTo(new[] { 0, 0, 0, 30, -47.5 }));
            Assert.That(t.RotationalSymmetry, Is.EqualTo(new[] { 0, 4, 2, 2, 2 }));
        });

        ReadOnlySpan<float> reference = t.Diffractions.AsSpan(2 * nUv, nUv);
        var rotated = new float[nUv];
        for (int c = 3; c < 5; c++)
        {
            ReadOnlySpan<float> copy = t.Diffractions.AsSpan(c * nUv, nUv);
            ImageRotation.Rotate(reference, 96, 96, t.Rotations[c], 48, 48, rotated);
            Assert.That(Similarity.Cosine(rotated, copy), Is.GreaterThan(0.95), $"{t.Names[c]} is the reference rotated");
            Assert.That(Similarity.Cosine(reference, copy), Is.LessThan(0.5), $"{t.Names[c]} differs from the unrotated lattice");
            (double s, double found) = DiffractionSimilarity.Compare(reference, copy, 96, 96);
            Assert.That(Tests.Analysis.SyntheticPatterns.AngleError(found, t.Rotations[c], 180), Is.LessThanOrEqualTo(1.0), $"{t.Names[c]}: found {found:F2}°");
            Assert.That(s, Is.GreaterThan(0.95));
        }

        // Every crystalline component has its own row of areas; the fractions still sum to one.
        for (int i = 0; i < nXy; i++)
        {
            double sum = 0;
            for (int c = 0; c < 5; c++)
            {
                sum += t.Maps[(c * nXy) + i];
            }

            Assert.That(sum, Is.EqualTo(1e4).Within(1));
        }

        for (int c = 1; c < 5; c++)
        {
            int peak = Enumerable.Range(0, nXy).MaxBy(i => t.Maps[(c * nXy) + i]);
            Assert.That(peak / 30, Is.EqualTo((int)((c - 0.5) * 30 / 4)).Within(2), $"{t.Names[c]} sits in grid row {c - 1}");
        }
    }

    [Test]
    public void Validate_BadRotatedCopyOptions_ThrowNamingTheOption()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Simulator.Truth(new SimulationOptions { RotatedLattice = 7, RotatedCopies = [10] }))!.ParamName,
                Is.EqualTo("RotatedLattice"));
            Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Simulator.Truth(new SimulationOptions { RotatedCopies = [double.NaN] }))!.ParamName,
                Is.EqualTo("RotatedCopies"));
            Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Simulator.Truth(new SimulationOptions { Crystals = 3, RotatedCopies = Enumerable.Range(0, 65).Select(i => (double)i).ToArray() }))!.ParamName,
                Is.EqualTo("RotatedCopies"));
            Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Simulator.Truth(new SimulationOptions { Crystals = 3, RotatedCopies = [0, 10, 20, 30, 40, 50, 60, 70], Crystallinities = [0.1] }))!.ParamName,
                Is.EqualTo("Crystallinities"));
        });
    }
}
