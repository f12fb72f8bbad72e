using FastNmf.Analysis;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Simulation;

/// <summary>Many-component sets: copies of several lattices (<see cref="SimulationOptions.WithLatticeCopies"/>), one
/// patch each (<see cref="SimulationLayout.Patches"/>), and the k = 30 preset.</summary>
public sealed class SimulatorPatchesTests
{
    [Test]
    public void ThirtyComponents_HasThreeLatticesOf10_10_And9Orientations_ApartAndSeeded()
    {
        SimulationOptions o = SimulationPresets.ThirtyComponents(seed: 1);
        SimulatedTruth t = Simulator.Truth(o);
        Assert.Multiple(() =>
        {
            Assert.That(t.Components, Is.EqualTo(30));
            Assert.That(t.Lattices.Count(l => l == 1), Is.EqualTo(10));
            Assert.That(t.Lattices.Count(l => l == 2), Is.EqualTo(10));
            Assert.That(t.Lattices.Count(l => l == 3), Is.EqualTo(9));
        });

        // Within a lattice, orientations differ by at least 0.6 of their even spacing (mod the symmetry period).
        foreach (int lattice in new[] { 1, 2, 3 })
        {
            double period = 360.0 / Simulator.RotationalSymmetry(lattice);
            double[] angles = Enumerable.Range(0, 30).Where(c => t.Lattices[c] == lattice).Select(c => t.Rotations[c]).ToArray();
            double spacing = period / angles.Length;
            for (int i = 0; i < angles.Length; i++)
            {
                for (int j = i + 1; j < angles.Length; j++)
                {
                    double d = Math.Abs(Math.IEEERemainder(angles[i] - angles[j], period));
                    Assert.That(d, Is.GreaterThanOrEqualTo(0.59 * spacing), $"lattice {lattice}: {angles[i]}° and {angles[j]}°");
                }
            }
        }

        SimulatedTruth other = Simulator.Truth(SimulationPresets.ThirtyComponents(seed: 2));
        Assert.That(other.Rotations, Is.Not.EqualTo(t.Rotations), "another seed, other angles");
        Assert.That(Simulator.Truth(SimulationPresets.ThirtyComponents(seed: 1)).Rotations, Is.EqualTo(t.Rotations), "the same seed, the same angles");
    }

    [Test]
    public void Patches_EachCrystallineComponentPeaksInItsOwnCell_AtItsCrystallinity_AndFractionsSumToOne()
    {
        SimulationOptions o = SimulationPresets.Copies(seed: 3, scan: 40, detector: 64, [(1, 3), (2, 3), (3, 2)]);
        SimulatedTruth t = Simulator.Truth(o);
        int nXy = 40 * 40, n = t.Components - 1;
        int columns = (int)Math.Ceiling(Math.Sqrt(n)), rows = (n + columns - 1) / columns;
        var peaks = new HashSet<int>();
        for (int c = 1; c <= n; c++)
        {
            ReadOnlySpan<float> map = t.Maps.AsSpan(c * nXy, nXy);
            int peak = 0;
            for (int i = 1; i < nXy; i++)
            {
                peak = map[i] > map[peak] ? i : peak;
            }

            int cellRow = peak / 40 * rows / 40, cellCol = peak % 40 * columns / 40;
            Assert.That((cellRow * columns) + cellCol, Is.EqualTo(c - 1), $"{t.Names[c]} in cell {c - 1}");
            Assert.That(map[peak] / 1e4, Is.EqualTo(o.Crystallinities[(c - 1) % 3]).Within(10).Percent, $"{t.Names[c]}: crystallinity at the centre");
            peaks.Add(peak);
        }

        for (int i = 0; i < nXy; i++)
        {
            double sum = 0;
            for (int c = 0; c <= n; c++)
            {
                sum += t.Maps[(c * nXy) + i];
            }

            Assert.That(sum, Is.EqualTo(1e4).Within(1), $"position {i}");
        }

        Assert.That(peaks, Has.Count.EqualTo(n));
    }

    [Test]
    public void LatticeCopies_AreTheirLatticeRotated()
    {
        SimulationOptions o = new SimulationOptions { DetRows = 96, DetCols = 96, Crystals = 2, Layout = SimulationLayout.Patches }.WithLatticeCopies([(2, 2), (5, 1)]);
        SimulatedTruth t = Simulator.Truth(o);
        int nUv = 96 * 96;
        Assert.That(t.Lattices, Is.EqualTo(new[] { 0, 1, 2, 2, 2, 5 }));
        for (int c = 3; c <= 4; c++)
        {
            (double s, double angle) = DiffractionSimilarity.Compare(t.Diffractions.AsSpan(2 * nUv, nUv), t.Diffractions.AsSpan(c * nUv, nUv), 96, 96);
            Assert.That(s, Is.GreaterThan(0.95), $"{t.Names[c]} is crystal B rotated");
            Assert.That(Tests.Analysis.SyntheticPatterns.AngleError(angle, t.Rotations[c], 60), Is.LessThanOrEqualTo(1.0), $"{t.Names[c]}: found {angle:F2}°");
        }
    }

    [Test]
    public void Validate_BadCopyLatticesOrLayout_ThrowsNamingTheOption()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Simulator.Truth(new SimulationOptions { RotatedCopies = [10, 20], CopyLattices = [1] }))!.ParamName,
                Is.EqualTo("CopyLattices"));
            Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Simulator.Truth(new SimulationOptions { RotatedCopies = [10], CopyLattices = [7] }))!.ParamName,
                Is.EqualTo("CopyLattices"));
            Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Simulator.Truth(new SimulationOptions { Layout = (SimulationLayout)5 }))!.ParamName,
                Is.EqualTo("Layout"));
            Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Simulator.Truth(new SimulationOptions { Layout = SimulationLayout.Patches, Crystallinities = [0.6] }))!.ParamName,
                Is.EqualTo("Crystallinities"));
            Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new SimulationOptions().WithLatticeCopies([(0, 2)]))!.ParamName,
                Is.EqualTo("copies"));
            Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new SimulationOptions().WithLatticeCopies([(1, 40), (2, 30)]))!.ParamName,
                Is.EqualTo("copies"), "more than 64 copies in all");

            // Patches larger than their cells overlap: the crystalline fractions would exceed a whole position.
            var overlapping = SimulationPresets.ThirtyComponents(1) with { AreaSize = 12, Crystallinities = [0.4] };
            Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Simulator.Truth(overlapping))!.Message, Does.Contain("overlap"));
        });
    }
}
