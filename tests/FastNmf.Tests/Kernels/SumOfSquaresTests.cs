using FastNmf.Kernels.Reductions;
using NUnit.Framework;

namespace FastNmf.Tests.Kernels;

/// <summary>‖x‖² of uint16 frames: the vector path is the scalar twin's integer, at every remainder and at 65 535.</summary>
public sealed unsafe class SumOfSquaresTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(17)]
    [TestCase(33)]
    [TestCase(16384)]
    [TestCase(16387)]
    public void OfUInt16_Vector_EqualsScalar_AndTheExactSum(int n)
    {
        var rng = new Random(n);
        ushort[] x = Enumerable.Range(0, n).Select(i => i % 7 == 0 ? ushort.MaxValue : (ushort)rng.Next(0, 65536)).ToArray();
        ulong exact = 0;
        foreach (ushort v in x)
        {
            exact += (ulong)v * v;
        }

        ulong vector, scalar;
        fixed (ushort* p = x)
        {
            vector = SumOfSquares.OfUInt16(p, n);
            scalar = SumOfSquares.OfUInt16Scalar(p, n);
        }

        Assert.Multiple(() =>
        {
            Assert.That(vector, Is.EqualTo(exact));
            Assert.That(scalar, Is.EqualTo(exact));
        });
    }
}
