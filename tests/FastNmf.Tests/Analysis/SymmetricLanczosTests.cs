using FastNmf.Numerics;
using NUnit.Framework;

namespace FastNmf.Tests.Analysis;

/// <summary><see cref="SymmetricLanczos"/> against the Householder reduction on PCA-like spectra (a few spikes over a
/// Marchenko–Pastur bulk of noise, the shape of XXᵀ for counted data) and on degenerate cases.</summary>
[TestFixture]
public sealed class SymmetricLanczosTests
{
    [TestCase(300, 20, 4)]
    [TestCase(700, 30, 30)]
    [TestCase(200, 1, 0)]
    public void Largest_MatchesTheReduction_OnSpikesOverNoise(int n, int count, int spikes)
    {
        double[] a = NoiseGram(n, 2 * n, spikes, seed: n + count);
        double[] expected = SymmetricEigenvalues.Largest((double[])a.Clone(), n, count);
        double[] actual = SymmetricLanczos.Largest(a, n, count);
        for (int i = 0; i < count; i++)
        {
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-9 * expected[0]), $"eigenvalue {i}");
        }
    }

    [Test]
    public void Largest_LowRank_FindsTheNonzeroEigenvaluesAndZeros()
    {
        // Rank 3: an invariant subspace appears early; the zeros come from the restarts.
        const int N = 150;
        var a = new double[N * N];
        var rng = new Random(3);
        for (int r = 0; r < 3; r++)
        {
            double[] u = Enumerable.Range(0, N).Select(_ => rng.NextDouble() - 0.5).ToArray();
            for (int i = 0; i < N; i++)
            {
                for (int j = 0; j < N; j++)
                {
                    a[(i * N) + j] += (r + 1) * u[i] * u[j];
                }
            }
        }

        double[] expected = SymmetricEigenvalues.Largest((double[])a.Clone(), N, 5);
        double[] actual = SymmetricLanczos.Largest(a, N, 5);
        Assert.That(actual, Is.EqualTo(expected).Within(1e-9 * expected[0]));
    }

    [Test]
    public void Top_PicksLanczosForAFewOfALargeMatrix_WithTheSameValues()
    {
        double[] a = NoiseGram(400, 800, 3, seed: 9);
        double[] byReduction = SymmetricEigenvalues.Largest((double[])a.Clone(), 400, 10);
        double[] top = SymmetricEigenvalues.Top(a, 400, 10);
        Assert.That(top, Is.EqualTo(byReduction).Within(1e-9 * byReduction[0]));
    }

    [TestCase(500, 20, 4)]
    [TestCase(120, 10, 2)]
    public void FloatEntries_GiveTheEigenvaluesOfThoseEntries(int n, int count, int spikes)
    {
        // The Gram route keeps its float dot products as floats: the eigenvalues are those of exactly those entries
        // (the double matrix holding the same values), by Lanczos for a few of a large matrix, else by the reduction.
        float[] entries = [.. NoiseGram(n, 2 * n, spikes, seed: n).Select(v => (float)v)];
        double[] same = [.. entries.Select(v => (double)v)];
        double[] expected = SymmetricEigenvalues.Largest(same, n, count);
        double[] actual = SymmetricEigenvalues.Top(entries, n, count);
        Assert.That(actual, Is.EqualTo(expected).Within(1e-9 * expected[0]));
    }

    // G = Y Yᵀ for n rows of m samples of Poisson-like noise, plus spikes along random directions.
    private static double[] NoiseGram(int n, int m, int spikes, int seed)
    {
        var rng = new Random(seed);
        var y = new double[n * m];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = rng.NextDouble() < 0.37 ? 1 + rng.Next(3) : 0;
        }

        for (int s = 0; s < spikes; s++)
        {
            double[] u = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
            double[] v = Enumerable.Range(0, m).Select(_ => rng.NextDouble()).ToArray();
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < m; j++)
                {
                    y[(i * m) + j] += 3 * (s + 1) * u[i] * v[j];
                }
            }
        }

        var g = new double[n * n];
        Parallel.For(0, n, i =>
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = 0;
                for (int t = 0; t < m; t++)
                {
                    sum += y[(i * m) + t] * y[(j * m) + t];
                }

                g[(i * n) + j] = g[(j * n) + i] = sum;
            }
        });
        return g;
    }
}
