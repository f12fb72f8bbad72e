using FastNmf.Data;
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
        using var op = new SparseXOperand(x, width, team, FoldLayout.Of(x), rows, Math.Min(rows, 4));
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
        using var scalar = new SparseXOperand(x, LaneWidth.Scalar, team, FoldLayout.Of(x), rows, Math.Min(rows, 4));
        using var vector = new SparseXOperand(x, width, team, FoldLayout.Of(x), rows, Math.Min(rows, 4));
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
        using var stacked = new SparseXOperand(x, width, team, FoldLayout.Of(x), 40, Math.Min(40, 4));
        using var alone = new SparseXOperand(x, width, team, FoldLayout.Of(x), 4, Math.Min(4, 4));
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
        // 70 lanes per restart: frame sub-blocks of ~100 frames, so the 256-frame canonical block takes the float32
        // partial over three sub-blocks before its fold (the other tests take the fused fold of one sub-block).
        var rng = new Random(12);
        float[] values = Enumerable.Range(0, 16 * 16 * 20 * 20).Select(_ => rng.NextDouble() < 0.6 ? 0f : rng.Next(1, 7)).ToArray();
        using UnfoldedData x = UnfoldedData.Create(new Dataset4D(values, 16, 16, 20, 20));
        using var team = new WorkerTeam(2);
        using var f = new Factors(x, 70, seed: 4);
        float[]? scalarA = null;
        foreach (LaneWidth width in KernelSet.AvailableLaneWidths.Reverse())
        {
            using var op = new SparseXOperand(x, width, team, FoldLayout.Of(x), 70, 70);
            Assert.That(op.Description, Does.Contain("H·X in 3 frame block(s)"));
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
        using var sparse = new SparseXOperand(x, KernelSet.CreateDefault().SparseWidth, team, FoldLayout.Of(x), 8, Math.Min(8, 4));
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
    public void SparseFrames_KeepsEveryNonzeroOnce_InBlockMajorOrder()
    {
        using UnfoldedData x = SparseData(seed: 6);
        using SparseFrames s = SparseFrames.Create(x.Frames.Data, x.Frames.Stride, x.NXy, x.NUv, 64);
        long expected = 0;
        for (int j = 0; j < x.NXy; j++)
        {
            expected += x.Column(j).ToArray().Count(v => v != 0);
        }

        Assert.That(s.NonZeros, Is.EqualTo(expected));
        for (int b = 0; b < s.Blocks; b++)
        {
            for (int j = 0; j < s.Frames; j++)
            {
                long p0 = s.SegmentStart[(b * (s.Frames + 1)) + j];
                long p1 = s.SegmentStart[(b * (s.Frames + 1)) + j + 1];
                for (long p = p0; p < p1; p++)
                {
                    int u = s.Indices[p];
                    Assert.That(u / 64, Is.EqualTo(b));
                    Assert.That(s.Values[p], Is.EqualTo(x.Column(j)[u]));
                    if (p > p0)
                    {
                        Assert.That(u, Is.GreaterThan(s.Indices[p - 1]), "ascending within a segment");
                    }
                }
            }
        }
    }

    [Test]
    public void SparsePixels_HoldsTheSameNonzerosPixelMajor_FramesAscendingWithinEachBlock()
    {
        using UnfoldedData x = SparseData(seed: 8);
        using SparseFrames frames = SparseFrames.Create(x.Frames.Data, x.Frames.Stride, x.NXy, x.NUv, 64);
        using SparsePixels s = SparsePixels.Create(x.Frames.Data, x.Frames.Stride, x.NXy, x.NUv, [(0, x.NXy)], 4);
        Assert.That(s.Blocks, Is.EqualTo((x.NXy + 3) / 4));
        long seen = 0;
        for (int b = 0; b < s.Blocks; b++)
        {
            for (int u = 0; u < s.Pixels; u++)
            {
                long p0 = s.SegmentStart[(b * (s.Pixels + 1)) + u];
                long p1 = s.SegmentStart[(b * (s.Pixels + 1)) + u + 1];
                for (long p = p0; p < p1; p++)
                {
                    int j = (b * 4) + s.FrameInBlock[p];
                    Assert.That(j, Is.LessThan(x.NXy));
                    Assert.That(s.Values[p], Is.EqualTo(x.Column(j)[u]).And.Not.Zero, $"pixel {u}, frame {j}");
                    if (p > p0)
                    {
                        Assert.That(s.FrameInBlock[p], Is.GreaterThan(s.FrameInBlock[p - 1]), "ascending frames");
                    }

                    seen++;
                }
            }
        }

        Assert.That(seen, Is.EqualTo(frames.NonZeros));
    }

    [Test]
    public void Create_DetectorTooLargeForUInt16Indices_ThrowsNamingTheLimit()
    {
        var data = new Dataset4D(new float[2 * 1 * 257 * 256], 2, 1, 257, 256);
        using UnfoldedData x = UnfoldedData.Create(data);
        Assert.That(() => SparseFrames.Create(x.Frames.Data, x.Frames.Stride, x.NXy, x.NUv, 1024), Throws.ArgumentException.With.Message.Contains("65536"));
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
