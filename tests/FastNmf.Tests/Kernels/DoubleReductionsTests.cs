using FastNmf.Kernels.Reductions;
using NUnit.Framework;

namespace FastNmf.Tests.Kernels;

public sealed class DoubleReductionsTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(17)]
    [TestCase(1000)]
    [TestCase(16387)]
    public void VectorPaths_MatchScalarReferences(int length)
    {
        var rng = new Random(length);
        float[] a = Enumerable.Range(0, length).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        float[] b = Enumerable.Range(0, length).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        double scale = a.Zip(b, (x, y) => Math.Abs((double)x * y)).Sum() + 1e-300;
        double l1 = DoubleReductions.L1DistanceScalar(a, b);
        Assert.Multiple(() =>
        {
            Assert.That(DoubleReductions.Dot(a, b), Is.EqualTo(DoubleReductions.DotScalar(a, b)).Within(1e-13 * scale));
            Assert.That(DoubleReductions.L1Distance(a, b), Is.EqualTo(l1).Within(1e-13 * (l1 + 1e-300)));
        });
    }

    [TestCase(0)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(33)]
    [TestCase(1296)]
    [TestCase(16387)]
    public void FloatTimesDoubleDot_MatchesScalarReference(int length)
    {
        var rng = new Random(length + 7);
        float[] a = Enumerable.Range(0, length).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        double[] x = Enumerable.Range(0, length).Select(_ => (rng.NextDouble() * 2) - 1).ToArray();
        double scale = a.Zip(x, (p, q) => Math.Abs(p * q)).Sum() + 1e-300;
        Assert.That(DoubleReductions.Dot(a, x), Is.EqualTo(DoubleReductions.DotScalar(a, x)).Within(1e-14 * scale));
    }

    [Test]
    public void Dot_MismatchedLengths_Throws() =>
        Assert.That(() => DoubleReductions.Dot(new float[3], new float[4]), Throws.ArgumentException);
}
