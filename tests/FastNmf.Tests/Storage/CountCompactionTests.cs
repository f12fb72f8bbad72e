using FastNmf.Storage;
using NUnit.Framework;

namespace FastNmf.Tests.Storage;

/// <summary><see cref="CountCompaction"/>'s vector paths against their scalar twins at every length up to a span, and the
/// copies built from uint16 counts (vector paths) against the same copies built from float32 (scalar paths).</summary>
[TestFixture]
public sealed unsafe class CountCompactionTests
{
    [Test]
    public void CountAndCompact_EveryLength_MatchTheScalarTwins([Values(0.0, 0.3, 0.63, 1.0)] double zeros)
    {
        var rng = new Random((int)(zeros * 100));
        for (int n = 0; n <= 256; n++)
        {
            ushort[] v = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < zeros ? (ushort)0 : (ushort)rng.Next(1, 65536)).ToArray();
            var pos = new byte[n + 16];
            var val = new ushort[n + 16];
            var pos2 = new byte[n + 16];
            var val2 = new ushort[n + 16];
            fixed (ushort* pv = v)
            fixed (byte* pp = pos, pp2 = pos2)
            fixed (ushort* pl = val, pl2 = val2)
            {
                int c = CountCompaction.Compact(pv, n, pp, pl);
                int c2 = CountCompaction.CompactScalar(pv, n, pp2, pl2);
                int counted = CountCompaction.Count(pv, n), countedScalar = CountCompaction.CountScalar(pv, n);
                Assert.Multiple(() =>
                {
                    Assert.That(c, Is.EqualTo(c2), $"n = {n}");
                    Assert.That(counted, Is.EqualTo(countedScalar), $"n = {n}");
                    Assert.That(pos.Take(c), Is.EqualTo(pos2.Take(c)), $"positions, n = {n}");
                    Assert.That(val.Take(c), Is.EqualTo(val2.Take(c)), $"values, n = {n}");
                });
            }
        }
    }

    [Test]
    public void Transpose8x8_MovesEveryValue()
    {
        Assume.That(System.Runtime.Intrinsics.X86.Sse2.IsSupported, "the 8 × 8 uint16 transpose is SSE2 code");
        ushort[] src = Enumerable.Range(0, 8 * 13).Select(i => (ushort)(i * 7)).ToArray();
        var dst = new ushort[8 * 11];
        fixed (ushort* s = src, d = dst)
        {
            CountCompaction.Transpose8x8(s + 2, 13, d + 1, 11);
        }

        for (int r = 0; r < 8; r++)
        {
            for (int c = 0; c < 8; c++)
            {
                Assert.That(dst[1 + (c * 11) + r], Is.EqualTo(src[2 + (r * 13) + c]), $"({r}, {c})");
            }
        }
    }

    [TestCase(7, 5, 24)]
    [TestCase(17, 20, 40)]
    [TestCase(9, 11, 25)]
    public void Copies_FromUInt16_AreTheCopiesFromFloat32(int scanRows, int scanCols, int det)
    {
        var rng = new Random(scanRows);
        int frames = scanRows * scanCols, pixels = det * det;
        ushort[] counts = Enumerable.Range(0, frames * pixels).Select(_ => rng.NextDouble() < 0.6 ? (ushort)0 : (ushort)rng.Next(1, 300)).ToArray();
        float[] floats = counts.Select(v => (float)v).ToArray();
        int[] spans = SparseSpanLayout.Nested([(0, frames / 2), (frames / 2, frames - (frames / 2))], out _);
        fixed (ushort* pu = counts)
        fixed (float* pf = floats)
        {
            using SparseSpans<ushort> a = SparseSpanBuilder.AcrossPixels<ushort, ushort>(pu, pixels, frames, pixels);
            using SparseSpans<ushort> b = SparseSpanBuilder.AcrossPixels<float, ushort>(pf, pixels, frames, pixels);
            using SparseSpans<ushort> c = SparseSpanBuilder.AcrossFrames<ushort, ushort>(pu, pixels, frames, pixels, spans);
            using SparseSpans<ushort> d = SparseSpanBuilder.AcrossFrames<float, ushort>(pf, pixels, frames, pixels, spans);
            AssertSame(a, b, "across pixels");
            AssertSame(c, d, "across frames");
        }
    }

    private static void AssertSame(SparseSpans<ushort> a, SparseSpans<ushort> b, string what)
    {
        Assert.That(a.SpanBase, Is.EqualTo(b.SpanBase), what);
        for (int s = 0; s < a.Spans; s++)
        {
            long n = a.SpanBase[s + 1] - a.SpanBase[s];
            Assert.That(new ReadOnlySpan<uint>(a.Offsets(s), a.Rows + 1).ToArray(), Is.EqualTo(new ReadOnlySpan<uint>(b.Offsets(s), b.Rows + 1).ToArray()), $"{what}: offsets of span {s}");
            Assert.That(new ReadOnlySpan<byte>(a.Positions(s), (int)n).ToArray(), Is.EqualTo(new ReadOnlySpan<byte>(b.Positions(s), (int)n).ToArray()), $"{what}: positions of span {s}");
            Assert.That(new ReadOnlySpan<ushort>(a.Values(s), (int)n).ToArray(), Is.EqualTo(new ReadOnlySpan<ushort>(b.Values(s), (int)n).ToArray()), $"{what}: values of span {s}");
        }
    }
}
