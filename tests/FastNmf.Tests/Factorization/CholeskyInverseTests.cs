using FastNmf.Kernels.SmallSolve;
using NUnit.Framework;

namespace FastNmf.Tests.Factorization;

public sealed class CholeskyInverseTests
{
    [TestCase(1)]
    [TestCase(4)]
    [TestCase(30)]
    public void Invert_SpdMatrix_GivesTheInverseWithoutRidge(int k)
    {
        var rng = new Random(k);
        var a = new double[k * (k + 3)];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = rng.NextDouble();
        }

        var g = new double[k * k];
        for (int r = 0; r < k; r++)
        {
            for (int c = 0; c < k; c++)
            {
                for (int n = 0; n < k + 3; n++)
                {
                    g[(r * k) + c] += a[(r * (k + 3)) + n] * a[(c * (k + 3)) + n];
                }
            }
        }

        var inv = new double[k * k];
        double ridge = CholeskyInverse.Invert(g, inv, new double[k * k], k);
        Assert.That(ridge, Is.Zero);
        for (int r = 0; r < k; r++)
        {
            for (int c = 0; c < k; c++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += g[(r * k) + p] * inv[(p * k) + c];
                }

                Assert.That(s, Is.EqualTo(r == c ? 1.0 : 0.0).Within(1e-8), $"(G·G⁻¹)[{r},{c}]");
            }
        }
    }

    [Test]
    public void Invert_SingularMatrix_AddsARidgeAndStaysFinite()
    {
        double[] g = [1, 1, 0, 1, 1, 0, 0, 0, 0]; // two identical components and a dead one
        var inv = new double[9];
        double ridge = CholeskyInverse.Invert(g, inv, new double[9], 3);
        Assert.Multiple(() =>
        {
            Assert.That(ridge, Is.GreaterThan(0));
            Assert.That(inv.All(double.IsFinite), Is.True);
        });
    }
}
