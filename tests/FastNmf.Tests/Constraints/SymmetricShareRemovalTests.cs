using FastNmf.Analysis;
using FastNmf.Constraints;
using FastNmf.Kernels.Polar;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Constraints;

/// <summary>The amorphous share a crystalline diffraction's radial floor holds, found and taken out.</summary>
public sealed class SymmetricShareRemovalTests
{
    private const int N = 128;

    // The paper's amorphous diffraction and crystal A, unit L1 each.
    private static readonly SimulatedTruth s_truth = Simulator.Truth(new SimulationOptions());

    private static float[] Diffraction(int c) => s_truth.Diffractions.AsSpan(c * N * N, N * N).ToArray();

    // Rows through the fill as the W-step runs it, normalised, with their baselines on the rows' scale.
    private static (float[] Rows, double[] Baselines, int Radii, int[] PixelsPerRadius) Filled(params float[][] rows)
    {
        var fill = DarkSpotFill.Create(N, N, [], new PolarConstraintOptions(), new PolarGatherScalar());
        int radii = fill.Map.Radii;
        var all = new float[rows.Length * N * N];
        var baselines = new double[rows.Length * radii];
        for (int c = 0; c < rows.Length; c++)
        {
            Span<float> row = all.AsSpan(c * N * N, N * N);
            rows[c].CopyTo(row);
            fill.Apply(row);
            double norm = 0;
            foreach (float v in row)
            {
                norm += v;
            }

            for (int u = 0; u < row.Length; u++)
            {
                row[u] = (float)(row[u] / norm);
            }

            for (int r = 0; r < radii; r++)
            {
                baselines[(c * radii) + r] = fill.Baseline[r] / norm;
            }
        }

        var perRadius = new int[radii + 1];
        foreach (int r in fill.Map.PixelFloor)
        {
            perRadius[r]++;
        }

        return (all, baselines, radii, perRadius);
    }

    private static float[] Mix(float[] crystal, float[] amorphous, float share) =>
        crystal.Zip(amorphous, (c, a) => c + (share * a)).ToArray();

    [Test]
    public void Share_OfACrystalCarryingAnAmorphousShare_IsThatShare_AndRemovingItGivesTheCrystalBack()
    {
        float[] amorphous = Diffraction(0), crystal = Diffraction(1);
        foreach (float share in new[] { 3f, 10f })
        {
            (float[] rows, double[] baselines, int radii, int[] perRadius) = Filled(Mix(crystal, amorphous, share), amorphous);
            double alpha = SymmetricShareRemoval.Share(baselines, 0, 1, radii);
            Span<float> row = rows.AsSpan(0, N * N);
            double before = Similarity.Cosine(row, crystal);
            SymmetricShareRemoval.Remove(row, rows.AsSpan(N * N, N * N), alpha, new float[N * N]);
            double after = Similarity.Cosine(row, crystal);
            float[] removed = row.ToArray();
            TestContext.Out.WriteLine($"share {share}: found α {alpha:F4} (the row's own: {share / (1 + share):F4}), cosine with the crystal {before:F3} → {after:F4}");
            Assert.Multiple(() =>
            {
                Assert.That(alpha, Is.EqualTo(share / (1 + share)).Within(8).Percent, $"share {share}");
                Assert.That(before, Is.LessThan(0.9), $"share {share}: the mixture is not the crystal");
                Assert.That(after, Is.GreaterThan(0.99), $"share {share}: removed, it is");
                Assert.That(removed.Sum(v => (double)v), Is.EqualTo(1).Within(1e-4), "unit L1 again");
                Assert.That(removed, Is.All.GreaterThanOrEqualTo(0f));
            });
        }
    }

    [Test]
    public void Share_OfAPureCrystal_IsAboutNothing_AndMostSymmetricIsTheAmorphousRow()
    {
        float[] amorphous = Diffraction(0);
        (_, double[] baselines, int radii, int[] perRadius) = Filled(Diffraction(1), Diffraction(2), amorphous, Diffraction(3));
        Assert.Multiple(() =>
        {
            Assert.That(SymmetricShareRemoval.MostSymmetric(baselines, 4, radii, perRadius), Is.EqualTo(2));
            for (int c = 0; c < 4; c++)
            {
                if (c != 2)
                {
                    Assert.That(SymmetricShareRemoval.Share(baselines, c, 2, radii), Is.LessThan(0.05), $"crystal row {c}: next to nothing (a crystal carrying 3× its weight of amorphous holds 0.75)");
                }
            }
        });
    }

    [Test]
    public void Remove_NothingOrAll_LeavesTheRowAsItIs()
    {
        float[] amorphous = Diffraction(0);
        float[] row = Diffraction(1);
        float[] before = (float[])row.Clone();
        SymmetricShareRemoval.Remove(row, amorphous, 0, new float[N * N]);
        Assert.That(row, Is.EqualTo(before), "α = 0");
        float[] same = (float[])amorphous.Clone();
        SymmetricShareRemoval.Remove(same, amorphous, 1.5, new float[N * N]);
        Assert.That(same, Is.EqualTo(amorphous), "nothing would remain: unchanged rather than zero");
    }
}
