using FastNmf.Numerics;
using NUnit.Framework;

namespace FastNmf.Tests.Numerics;

public sealed class SymmetricEigenvaluesTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(17)]
    [TestCase(300)]
    public void Largest_MatrixWithKnownSpectrum_ReturnsItDescending(int n)
    {
        // A = Q·diag(λ)·Qᵀ with Q a product of three random Householder reflectors; λ has a repeated value, zeros and
        // negatives (the bisection must count them right).
        var rng = new SeededRandom((ulong)n);
        double[] lambda = Enumerable.Range(0, n).Select(i => i % 7 == 3 ? 2.5 : i % 11 == 5 ? 0 : (rng.NextDouble() * 200) - 50).ToArray();
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            a[(i * n) + i] = lambda[i];
        }

        for (int h = 0; h < 3; h++)
        {
            double[] v = Enumerable.Range(0, n).Select(_ => rng.NextGaussian()).ToArray();
            double norm = Math.Sqrt(v.Sum(x => x * x));
            Reflect(a, n, v.Select(x => x / norm).ToArray());
        }

        int count = Math.Min(n, 40);
        double[] found = SymmetricEigenvalues.Largest((double[])a.Clone(), n, count);
        double[] expected = lambda.OrderDescending().Take(count).ToArray();
        double scale = lambda.Max(Math.Abs);
        Assert.That(found, Is.EqualTo(expected).Within(1e-11 * scale * Math.Max(1, Math.Sqrt(n))));
    }

    [Test]
    public void Largest_CountOutOfRange_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SymmetricEigenvalues.Largest(new double[4], 2, 3));

    // A ← H·A·H with H = I − 2·v·vᵀ.
    private static void Reflect(double[] a, int n, double[] v)
    {
        for (int side = 0; side < 2; side++)
        {
            var t = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double dot = 0;
                    for (int k = 0; k < n; k++)
                    {
                        dot += v[k] * a[(k * n) + j];
                    }

                    t[(i * n) + j] = a[(i * n) + j] - (2 * v[i] * dot);
                }
            }

            // Transpose so the second pass applies H from the other side (A symmetric: (H·A)ᵀ = A·H).
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    a[(i * n) + j] = t[(j * n) + i];
                }
            }
        }
    }
}
