using FastNmf.Kernels.Reductions;
using NUnit.Framework;

namespace FastNmf.Tests.Kernels;

/// <summary>The statistics pass over uint16 frames: the vector paths are their scalar twins' integers at every remainder,
/// with zeros and full-scale counts.</summary>
public sealed unsafe class CountScanTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(17)]
    [TestCase(33)]
    [TestCase(16387)]
    public void MaxAndNonZeros_Vector_EqualsScalar(int n)
    {
        ushort[] frame = Frame(n, seed: n);
        var start = Frame(n, seed: n + 100);
        ushort[] maxVector = (ushort[])start.Clone(), maxScalar = (ushort[])start.Clone();
        long vector, scalar;
        fixed (ushort* f = frame, mv = maxVector, ms = maxScalar)
        {
            vector = CountScan.MaxAndNonZeros(f, n, mv);
            scalar = CountScan.MaxAndNonZerosScalar(f, n, ms);
        }

        Assert.Multiple(() =>
        {
            Assert.That(vector, Is.EqualTo(frame.Count(v => v != 0)));
            Assert.That(scalar, Is.EqualTo(vector));
            Assert.That(maxVector, Is.EqualTo(maxScalar).AsCollection);
            Assert.That(maxVector, Is.EqualTo(frame.Zip(start, Math.Max).ToArray()).AsCollection);
        });
    }

    [TestCase(0)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(33)]
    [TestCase(16387)]
    public void AddNonZeros_Vector_EqualsScalar(int n)
    {
        var vector = new uint[n];
        var scalar = new uint[n];
        var expected = new uint[n];
        for (int frameIndex = 0; frameIndex < 5; frameIndex++)
        {
            ushort[] frame = Frame(n, seed: (frameIndex * 31) + n);
            fixed (ushort* f = frame)
            fixed (uint* v = vector, s = scalar)
            {
                CountScan.AddNonZeros(f, n, v);
                CountScan.AddNonZerosScalar(f, n, s);
            }

            for (int u = 0; u < n; u++)
            {
                expected[u] += frame[u] == 0 ? 0u : 1u;
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(vector, Is.EqualTo(scalar).AsCollection);
            Assert.That(vector, Is.EqualTo(expected).AsCollection);
        });
    }

    [TestCase(1)]
    [TestCase(17)]
    [TestCase(16387)]
    public void Add_Vector_EqualsScalar_AtFullScale(int n)
    {
        var vector = new uint[n];
        var scalar = new uint[n];
        var exact = new ulong[n];
        for (int frameIndex = 0; frameIndex < 40; frameIndex++)
        {
            ushort[] frame = Frame(n, seed: frameIndex);
            fixed (ushort* f = frame)
            fixed (uint* v = vector, s = scalar)
            {
                CountScan.Add(f, n, v);
                CountScan.AddScalar(f, n, s);
            }

            for (int u = 0; u < n; u++)
            {
                exact[u] += frame[u];
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(vector, Is.EqualTo(scalar).AsCollection);
            Assert.That(vector.Select(v => (ulong)v), Is.EqualTo(exact).AsCollection);
        });
    }

    private static ushort[] Frame(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => rng.Next(10) switch
        {
            < 6 => (ushort)0,
            6 => ushort.MaxValue,
            _ => (ushort)rng.Next(1, 65535),
        }).ToArray();
    }
}
