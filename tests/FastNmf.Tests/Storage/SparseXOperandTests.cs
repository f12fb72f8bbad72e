using FastNmf.Data;
using FastNmf.IO;
using FastNmf.Kernels;
using FastNmf.Kernels.Gemm;
using FastNmf.Kernels.Lanes;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;
using FastNmf.Storage;
using NUnit.Framework;

namespace FastNmf.Tests.Storage;

/// <summary>
/// The sparse operand against a double-accumulated oracle, its widths against each other (bit for bit: every width
/// fuses the same multiply-adds per lane), and the lane independence that makes batched restarts exact.
/// </summary>
public sealed unsafe class SparseXOperandTests
{
    private static readonly int[] s_rows = [1, 3, 16, 17, 40, 64, 70];

    private static IEnumerable<TestCaseData> WidthsAndRows() =>
        from width in KernelSet.AvailableLaneWidths
        from rows in s_rows
        select new TestCaseData(width.ToString(), rows).SetArgDisplayNames(width.ToString(), $"K={rows}");

    [TestCaseSource(nameof(WidthsAndRows))]
    public void Products_MatchDoubleOracle(string widthName, int rows)
    {
        LaneWidth width = Enum.Parse<LaneWidth>(widthName);
        using UnfoldedData x = SparseData(seed: rows);
        using var team = new WorkerTeam(2);
        using IXOperand op = SparseXOperand.Create(x, width, team, FoldLayout.Of(x), rows);
        using var f = new Factors(x, rows, seed: 100 + rows);
        MultiplyHX(op, f.HView, f.AView);
        op.MultiplyWX(f.WView, f.BView);
        AssertClose(f.A(), OracleHX(x, f), "H·X");
        AssertClose(f.B(), OracleWX(x, f), "W·Xᵀ");
    }

    [TestCaseSource(nameof(WidthsAndRows))]
    public void Products_EveryWidth_IsBitIdenticalToScalar(string widthName, int rows)
    {
        LaneWidth width = Enum.Parse<LaneWidth>(widthName);
        using UnfoldedData x = SparseData(seed: rows);
        using var team = new WorkerTeam(2);
        using IXOperand scalar = SparseXOperand.Create(x, LaneWidth.Scalar, team, FoldLayout.Of(x), rows);
        using IXOperand vector = SparseXOperand.Create(x, width, team, FoldLayout.Of(x), rows);
        using var f = new Factors(x, rows, seed: 7);
        MultiplyHX(scalar, f.HView, f.AView);
        scalar.MultiplyWX(f.WView, f.BView);
        float[] a = f.A(), b = f.B();
        MultiplyHX(vector, f.HView, f.AView);
        vector.MultiplyWX(f.WView, f.BView);
        Assert.Multiple(() =>
        {
            Assert.That(f.A(), Is.EqualTo(a).AsCollection, "H·X");
            Assert.That(f.B(), Is.EqualTo(b).AsCollection, "W·Xᵀ");
        });
    }

    [Test]
    public void Products_RowsOfAStackedCall_EqualSeparateCallsBitForBit()
    {
        // The property batching relies on: restart r's rows get the same bits alone (K = 4) or stacked (K = 40).
        using UnfoldedData x = SparseData(seed: 3);
        using var team = new WorkerTeam(2);
        LaneWidth width = KernelSet.CreateDefault().SparseWidth;
        using IXOperand stacked = SparseXOperand.Create(x, width, team, FoldLayout.Of(x), 40);
        using IXOperand alone = SparseXOperand.Create(x, width, team, FoldLayout.Of(x), 4);
        using var all = new Factors(x, 40, seed: 11);
        MultiplyHX(stacked, all.HView, all.AView);
        stacked.MultiplyWX(all.WView, all.BView);
        for (int r = 0; r < 10; r++)
        {
            using var one = new Factors(x, 4, seed: 0);
            one.CopyRowsFrom(all, r * 4);
            MultiplyHX(alone, one.HView, one.AView);
            alone.MultiplyWX(one.WView, one.BView);
            Assert.That(one.A(), Is.EqualTo(all.A().Skip(r * 4 * x.NUv).Take(4 * x.NUv)).AsCollection, $"H·X, restart {r}");
            Assert.That(one.B(), Is.EqualTo(all.B().Skip(r * 4 * x.NXy).Take(4 * x.NXy)).AsCollection, $"W·Xᵀ, restart {r}");
        }
    }

    [Test]
    public void HX_CanonicalBlockOfSeveralSubBlocks_EveryWidthIsScalarBits_AndMatchesTheOracle()
    {
        // A scan row of 300 frames is a canonical block of two spans of 150: the float32 partial runs over both before its
        // fold (the other tests fold blocks of one span straight from registers); 70 lanes are several tiles at every width.
        var rng = new Random(12);
        float[] values = Enumerable.Range(0, 3 * 300 * 10 * 10).Select(_ => rng.NextDouble() < 0.6 ? 0f : rng.Next(1, 7)).ToArray();
        using UnfoldedData x = UnfoldedData.Create(new Dataset4D(values, 3, 300, 10, 10));
        using var team = new WorkerTeam(2);
        using var f = new Factors(x, 70, seed: 4);
        float[]? scalarA = null;
        foreach (LaneWidth width in KernelSet.AvailableLaneWidths.Reverse())
        {
            using IXOperand op = SparseXOperand.Create(x, width, team, FoldLayout.Of(x), 70);
            Assert.That(op.Description, Does.Contain("6 across frames"));
            MultiplyHX(op, f.HView, f.AView);
            float[] a = f.A();
            scalarA ??= a;
            Assert.That(a, Is.EqualTo(scalarA).AsCollection, $"{width} vs scalar");
        }

        AssertClose(scalarA!, OracleHX(x, f), "H·X");
    }

    [Test]
    public void Products_AgreeWithTheDenseOperand()
    {
        using UnfoldedData x = SparseData(seed: 5);
        using var team = new WorkerTeam(2);
        using IXOperand sparse = SparseXOperand.Create(x, KernelSet.CreateDefault().SparseWidth, team, FoldLayout.Of(x), 8);
        using var dense = new DenseXOperand(x.Frames, new FactorProductsScalar(), team, FoldLayout.Of(x), 8);
        using var f = new Factors(x, 8, seed: 9);
        MultiplyHX(dense, f.HView, f.AView);
        dense.MultiplyWX(f.WView, f.BView);
        float[] a = f.A(), b = f.B();
        MultiplyHX(sparse, f.HView, f.AView);
        sparse.MultiplyWX(f.WView, f.BView);
        Assert.Multiple(() =>
        {
            Assert.That(f.A(), Is.EqualTo(a).Within(1e-4).Percent, "H·X");
            Assert.That(f.B(), Is.EqualTo(b).Within(1e-4).Percent, "W·Xᵀ");
        });
    }

    [Test]
    public void AcrossPixels_KeepsEveryNonzeroOnce_InSpanOrder()
    {
        using UnfoldedData x = SparseData(seed: 6);
        using SparseSpans<float> s = SparseSpanBuilder.AcrossPixels<float, float>(x.Frames.Data, x.Frames.Stride, x.NXy, x.NUv);
        long expected = 0;
        for (int j = 0; j < x.NXy; j++)
        {
            expected += x.Column(j).ToArray().Count(v => v != 0);
        }

        Assert.That(s.NonZeros, Is.EqualTo(expected));
        Assert.That(s.Spans, Is.EqualTo((x.NUv + 255) / 256));
        for (int b = 0; b < s.Spans; b++)
        {
            uint* off = s.Offsets(b);
            for (int j = 0; j < s.Rows; j++)
            {
                for (uint p = off[j]; p < off[j + 1]; p++)
                {
                    int u = s.SpanStart[b] + s.Positions(b)[p];
                    Assert.That(u, Is.LessThan(s.SpanStart[b + 1]));
                    Assert.That(s.Values(b)[p], Is.EqualTo(x.Column(j)[u]).And.Not.Zero);
                    if (p > off[j])
                    {
                        Assert.That(s.Positions(b)[p], Is.GreaterThan(s.Positions(b)[p - 1]), "ascending within a segment");
                    }
                }
            }
        }
    }

    [Test]
    public void AcrossFrames_HoldsTheSameNonzeros_FramesAscendingWithinEachSpan_SpansNestedInBlocks()
    {
        using UnfoldedData x = SparseData(seed: 8);
        (int, int)[] blocks = [(0, 20), (20, x.NXy - 20)];
        int[] starts = SparseSpanLayout.Nested(blocks, out int[] first);
        Assert.That(starts, Is.EqualTo(new[] { 0, 20, x.NXy }), "35 frames: one span per block");
        Assert.That(first, Is.EqualTo(new[] { 0, 1, 2 }));
        using SparseSpans<ushort> s = SparseSpanBuilder.AcrossFrames<float, ushort>(x.Frames.Data, x.Frames.Stride, x.NXy, x.NUv, starts);
        long seen = 0;
        for (int b = 0; b < s.Spans; b++)
        {
            uint* off = s.Offsets(b);
            for (int u = 0; u < s.Rows; u++)
            {
                for (uint p = off[u]; p < off[u + 1]; p++)
                {
                    int j = s.SpanStart[b] + s.Positions(b)[p];
                    Assert.That(j, Is.LessThan(s.SpanStart[b + 1]));
                    Assert.That((float)s.Values(b)[p], Is.EqualTo(x.Column(j)[u]).And.Not.Zero, $"pixel {u}, frame {j}");
                    if (p > off[u])
                    {
                        Assert.That(s.Positions(b)[p], Is.GreaterThan(s.Positions(b)[p - 1]), "ascending frames");
                    }

                    seen++;
                }
            }
        }

        Assert.That(seen, Is.EqualTo(x.Statistics.NonZeros));
    }

    [Test]
    public void Nested_CutsEachBlockIntoAsFewAndAsEqualSpansAsFit()
    {
        int[] starts = SparseSpanLayout.Nested([(0, 300), (300, 256), (556, 1), (557, 513)], out int[] first);
        Assert.Multiple(() =>
        {
            Assert.That(starts, Is.EqualTo(new[] { 0, 150, 300, 556, 557, 728, 899, 1070 }));
            Assert.That(first, Is.EqualTo(new[] { 0, 2, 3, 4, 7 }));
            Assert.That(SparseSpanLayout.Uniform(16384), Has.Length.EqualTo(65), "64 spans of 256 pixels");
            Assert.That(SparseSpanLayout.Uniform(300), Is.EqualTo(new[] { 0, 150, 300 }));
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Products_RealValuedOrCounts_MatchTheOracle_WithFloatOrUInt16Values(bool counts)
    {
        // Fractional values keep float32 values in the copies; counts are held as uint16 and widened in the kernel.
        var rng = new Random(21);
        float[] values = Enumerable.Range(0, 9 * 8 * 20 * 20).Select(_ => rng.NextDouble() < 0.6 ? 0f : counts ? rng.Next(1, 900) : (float)(rng.NextDouble() * 5)).ToArray();
        using UnfoldedData x = UnfoldedData.Create(new Dataset4D(values, 9, 8, 20, 20));
        Assert.That(x.Statistics.IsCounts, Is.EqualTo(counts));
        using var team = new WorkerTeam(2);
        using IXOperand op = SparseXOperand.Create(x, KernelSet.CreateDefault().SparseWidth, team, FoldLayout.Of(x), 7);
        Assert.That(op.Description, Does.StartWith(counts ? "sparse uint16" : "sparse float32"));
        using var f = new Factors(x, 7, seed: 3);
        MultiplyHX(op, f.HView, f.AView);
        op.MultiplyWX(f.WView, f.BView);
        AssertClose(f.A(), OracleHX(x, f), "H·X");
        AssertClose(f.B(), OracleWX(x, f), "W·Xᵀ");
    }

    [Test]
    public void Products_DetectorOfMoreThan65536Pixels_MatchTheOracle()
    {
        // Positions are bytes within spans of 64: no limit on the detector's size.
        var rng = new Random(5);
        float[] values = Enumerable.Range(0, 2 * 1 * 257 * 256).Select(_ => rng.NextDouble() < 0.7 ? 0f : rng.Next(1, 4)).ToArray();
        using UnfoldedData x = UnfoldedData.Create(new Dataset4D(values, 2, 1, 257, 256));
        using var team = new WorkerTeam(2);
        using IXOperand op = SparseXOperand.Create(x, KernelSet.CreateDefault().SparseWidth, team, FoldLayout.Of(x), 3);
        using var f = new Factors(x, 3, seed: 8);
        MultiplyHX(op, f.HView, f.AView);
        op.MultiplyWX(f.WView, f.BView);
        AssertClose(f.A(), OracleHX(x, f), "H·X");
        AssertClose(f.B(), OracleWX(x, f), "W·Xᵀ");
    }

    [Test]
    public void Products_AnyThreadCount_SameBits()
    {
        using UnfoldedData x = SparseData(seed: 13);
        using var f = new Factors(x, 50, seed: 2);
        float[]? a1 = null, b1 = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var team = new WorkerTeam(threads);
            using IXOperand op = SparseXOperand.Create(x, KernelSet.CreateDefault().SparseWidth, team, FoldLayout.Of(x), 50);
            MultiplyHX(op, f.HView, f.AView);
            op.MultiplyWX(f.WView, f.BView);
            a1 ??= f.A();
            b1 ??= f.B();
            Assert.That(f.A(), Is.EqualTo(a1).AsCollection, $"H·X on {threads} threads");
            Assert.That(f.B(), Is.EqualTo(b1).AsCollection, $"W·Xᵀ on {threads} threads");
        }
    }

    [Test]
    public void Create_FromUInt16Counts_SameBitsAsFromFloat32()
    {
        using UnfoldedData x = SparseData(seed: 9);
        using UnfoldedData counts = UnfoldedData.CreateCounts(new ArrayFrameSource(x.Refold()));
        Assert.That(counts.IsUInt16, Is.True);
        using var team = new WorkerTeam(2);
        using IXOperand fromFloat = SparseXOperand.Create(x, KernelSet.CreateDefault().SparseWidth, team, FoldLayout.Of(x), 12);
        using IXOperand fromCounts = SparseXOperand.Create(counts, KernelSet.CreateDefault().SparseWidth, team, FoldLayout.Of(counts), 12);
        using var f = new Factors(x, 12, seed: 1);
        MultiplyHX(fromFloat, f.HView, f.AView);
        fromFloat.MultiplyWX(f.WView, f.BView);
        float[] a = f.A(), b = f.B();
        MultiplyHX(fromCounts, f.HView, f.AView);
        fromCounts.MultiplyWX(f.WView, f.BView);
        Assert.That(f.A(), Is.EqualTo(a).AsCollection, "H·X");
        Assert.That(f.B(), Is.EqualTo(b).AsCollection, "W·Xᵀ");
    }

    // H·X through the exact block fold, as the solver forms it.
    private static void MultiplyHX(IXOperand op, MatrixView h, MatrixView a)
    {
        using var hx = new FoldedHX(op, h.Rows);
        hx.Multiply(h, a);
    }

    // ~60 % zeros, integer counts, an all-zero frame and an all-zero detector region (empty segments and blocks).
    private static UnfoldedData SparseData(int seed)
    {
        var rng = new Random(seed);
        int scanRows = 7, scanCols = 5, det = 24;
        var data = new float[scanRows * scanCols * det * det];
        for (int i = 0; i < data.Length; i++)
        {
            int frame = i / (det * det);
            int pixel = i % (det * det);
            bool silent = frame == 3 || pixel < 3 * det;
            data[i] = silent || rng.NextDouble() < 0.6 ? 0 : rng.Next(1, 9);
        }

        return UnfoldedData.Create(new Dataset4D(data, scanRows, scanCols, det, det));
    }

    private static double[] OracleHX(UnfoldedData x, Factors f)
    {
        var r = new double[f.Rows * x.NUv];
        for (int c = 0; c < f.Rows; c++)
        {
            for (int j = 0; j < x.NXy; j++)
            {
                ReadOnlySpan<float> col = x.Column(j);
                for (int u = 0; u < x.NUv; u++)
                {
                    r[(c * x.NUv) + u] += (double)f.HView.Row(c)[j] * col[u];
                }
            }
        }

        return r;
    }

    private static double[] OracleWX(UnfoldedData x, Factors f)
    {
        var r = new double[f.Rows * x.NXy];
        for (int c = 0; c < f.Rows; c++)
        {
            for (int j = 0; j < x.NXy; j++)
            {
                ReadOnlySpan<float> col = x.Column(j);
                double s = 0;
                for (int u = 0; u < x.NUv; u++)
                {
                    s += (double)f.WView.Row(c)[u] * col[u];
                }

                r[(c * x.NXy) + j] = s;
            }
        }

        return r;
    }

    private static void AssertClose(float[] actual, double[] expected, string what)
    {
        double scale = expected.Max(Math.Abs) + 1e-30;
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(2e-6 * scale), $"{what}[{i}]");
        }
    }

    /// <summary>Random W (K × n_uv, padded stride) and H (K × n_xy) with outputs A (K × n_uv) and B (K × n_xy).</summary>
    private sealed class Factors : IDisposable
    {
        private readonly AlignedBuffer<float> _w, _h, _a, _b;
        private readonly UnfoldedData _x;

        public Factors(UnfoldedData x, int rows, int seed)
        {
            _x = x;
            Rows = rows;
            _w = new AlignedBuffer<float>(rows * x.Stride, "W");
            _h = new AlignedBuffer<float>((long)rows * x.NXy, "H");
            _a = new AlignedBuffer<float>(rows * x.Stride, "A");
            _b = new AlignedBuffer<float>((long)rows * x.NXy, "B");
            var rng = new Random(seed);
            for (int c = 0; c < rows; c++)
            {
                Span<float> w = WView.Row(c);
                for (int u = 0; u < w.Length; u++)
                {
                    w[u] = (float)rng.NextDouble();
                }

                Span<float> h = HView.Row(c);
                for (int j = 0; j < h.Length; j++)
                {
                    h[j] = (float)(rng.NextDouble() * 10);
                }
            }
        }

        public int Rows { get; }

        public MatrixView WView => MatrixView.Over(_w, Rows, _x.NUv, _x.Stride);

        public MatrixView HView => MatrixView.Over(_h, Rows, _x.NXy, _x.NXy);

        public MatrixView AView => MatrixView.Over(_a, Rows, _x.NUv, _x.Stride);

        public MatrixView BView => MatrixView.Over(_b, Rows, _x.NXy, _x.NXy);

        public float[] A() => Enumerable.Range(0, Rows).SelectMany(c => AView.Row(c).ToArray()).ToArray();

        public float[] B() => Enumerable.Range(0, Rows).SelectMany(c => BView.Row(c).ToArray()).ToArray();

        public void CopyRowsFrom(Factors other, int firstRow)
        {
            for (int c = 0; c < Rows; c++)
            {
                other.WView.Row(firstRow + c).CopyTo(WView.Row(c));
                other.HView.Row(firstRow + c).CopyTo(HView.Row(c));
            }
        }

        public void Dispose()
        {
            _w.Dispose();
            _h.Dispose();
            _a.Dispose();
            _b.Dispose();
        }
    }
}
