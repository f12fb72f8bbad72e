using System.Runtime.Intrinsics;
using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.Dense;
using FastNmf.Kernels.Gemm;
using FastNmf.Kernels.Lanes;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;
using FastNmf.Storage;
using NUnit.Framework;

namespace FastNmf.Tests.Storage;

/// <summary>
/// uint16 storage: the fused convert is exact, so the uint16 operand must give the bits of the float32 lane kernels at
/// the same width, and both must agree with the double-accumulated scalar reference.
/// </summary>
public sealed unsafe class UInt16XOperandTests
{
    private static readonly int[] s_rows = [1, 3, 4, 9, 40];

    private static IEnumerable<TestCaseData> WidthsAndRows() =>
        from width in LaneWidths.Available
        from rows in s_rows
        select new TestCaseData(width.ToString(), rows).SetArgDisplayNames(width.ToString(), $"K={rows}");

    [TestCaseSource(nameof(WidthsAndRows))]
    public void Products_AreBitIdenticalToFloat32LaneKernels_AndCloseToScalar(string widthName, int rows)
    {
        LaneWidth width = Enum.Parse<LaneWidth>(widthName);
        using UnfoldedData x = CountData(seed: rows);
        using var team = new WorkerTeam(2);
        using var u16 = new UInt16XOperand(UInt16Frames.CopyOf(x.Frames), width, team, FoldLayout.Of(x), rows);
        using var f32 = new DenseXOperand(x.Frames, new FactorProductsLanes(width), team, FoldLayout.Of(x), rows);
        using var scalar = new DenseXOperand(x.Frames, new FactorProductsScalar(), team, FoldLayout.Of(x), rows);
        using var w = Random(rows, x.NUv, x.Stride, seed: 1);
        using var h = Random(rows, x.NXy, x.NXy, seed: 2);
        float[] Run(IXOperand op, bool hx)
        {
            using var dst = new AlignedBuffer<float>(rows * (hx ? x.Stride : x.NXy), "dst");
            var view = MatrixView.Over(dst, rows, hx ? x.NUv : x.NXy, hx ? x.Stride : x.NXy);
            if (hx)
            {
                using var hxFold = new FoldedHX(op, rows);
                hxFold.Multiply(h.View(rows, x.NXy, x.NXy), view);
            }
            else
            {
                op.MultiplyWX(w.View(rows, x.NUv, x.Stride), view);
            }

            return Enumerable.Range(0, rows).SelectMany(r => view.Row(r).ToArray()).ToArray();
        }

        foreach (bool hx in new[] { true, false })
        {
            float[] a = Run(u16, hx);
            float[] b = Run(f32, hx);
            float[] c = Run(scalar, hx);
            string what = hx ? "H·X" : "W·Xᵀ";
            Assert.That(a, Is.EqualTo(b).AsCollection, $"{what}: uint16 vs float32 bits");
            double scale = c.Max(Math.Abs);
            for (int i = 0; i < a.Length; i++)
            {
                Assert.That(a[i], Is.EqualTo(c[i]).Within(2e-6 * scale), $"{what}[{i}] vs scalar reference");
            }
        }
    }

    [TestCase(0.5f, TestName = "Create_Fraction_Throws")]
    [TestCase(-1f, TestName = "Create_Negative_Throws")]
    [TestCase(65536f, TestName = "Create_AboveUInt16_Throws")]
    [TestCase(float.NaN, TestName = "Create_NaN_Throws")]
    public void Create_ValueUInt16CannotHold_ThrowsNamingFrameAndPixel(float bad)
    {
        var data = new float[3 * 2 * 4 * 4];
        data[(4 * 16) + 5] = bad; // frame 4, pixel 5
        using UnfoldedData x = UnfoldedData.Create(new Dataset4D(data, 3, 2, 4, 4));
        Assert.That(x.Statistics.IsCounts, Is.False);
        Assert.That(() => UInt16Frames.CopyOf(x.Frames), Throws.ArgumentException.With.Message.Contains("frame 4, unmasked pixel 5"));
    }

    [Test]
    public void Create_Extremes_RoundTripExactly()
    {
        float[] values = [0f, 1f, 255f, 256f, 32767f, 32768f, 65534f, 65535f];
        var data = new float[2 * 1 * 3 * 3];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = values[i % values.Length];
        }

        using UnfoldedData x = UnfoldedData.Create(new Dataset4D(data, 2, 1, 3, 3));
        using UInt16Frames u = UInt16Frames.CopyOf(x.Frames);
        Assert.That(u.Stride % 32, Is.Zero, "frames start on 64-byte lines");
        for (int j = 0; j < 2; j++)
        {
            for (int p = 0; p < 9; p++)
            {
                Assert.That((float)u.Frame(j)[p], Is.EqualTo(x.Column(j)[p]));
            }

            for (long p = 9; p < u.Stride; p++)
            {
                Assert.That(u.Frame(j)[p], Is.Zero, "padding is zero");
            }
        }
    }

    [Test]
    public void LoadWidened_EveryWidth_ConvertsExactly()
    {
        ushort[] raw = Enumerable.Range(0, 16).Select(i => (ushort)(i switch { 0 => 0, 1 => 65535, 2 => 32768, 3 => 32767, _ => i * 4099 })).ToArray();
        float[] expected = raw.Select(v => (float)v).ToArray();
        if (LaneWidths.IsAccelerated(LaneWidth.Vector512))
        {
            Vector512<float> v = Lanes512.LoadWidened(ref raw[0], 0);
            Assert.That(Enumerable.Range(0, 16).Select(i => v[i]), Is.EqualTo(expected).AsCollection, "Vector512");
        }

        if (LaneWidths.IsAccelerated(LaneWidth.Vector256))
        {
            Vector256<float> lo = Lanes256.LoadWidened(ref raw[0], 0);
            Vector256<float> hi = Lanes256.LoadWidened(ref raw[0], 8);
            Assert.That(Enumerable.Range(0, 8).Select(i => lo[i]).Concat(Enumerable.Range(0, 8).Select(i => hi[i])), Is.EqualTo(expected).AsCollection, "Vector256");
        }

        Assert.That(Enumerable.Range(0, 16).Select(i => LanesScalar.LoadWidened(ref raw[0], (nuint)i)), Is.EqualTo(expected).AsCollection, "scalar");
    }

    // Counts over the whole uint16 range on an odd detector (every vector remainder), with a masked disc, an all-zero
    // frame and an odd frame count (the last frame has no pair).
    private static UnfoldedData CountData(int seed)
    {
        var rng = new Random(seed);
        int scanRows = 5, scanCols = 7, detRows = 23, detCols = 21;
        var data = new float[scanRows * scanCols * detRows * detCols];
        for (int i = 0; i < data.Length; i++)
        {
            int frame = i / (detRows * detCols);
            data[i] = frame == 2 ? 0 : rng.Next(0, 4) == 0 ? rng.Next(0, 65536) : rng.Next(0, 20);
        }

        var mask = DetectorMask.DirectBeam(detRows, detCols, 11, 10, 3);
        return UnfoldedData.Create(new Dataset4D(data, scanRows, scanCols, detRows, detCols), mask);
    }

    private static Matrix Random(int rows, int cols, long stride, int seed)
    {
        var m = new Matrix(rows * stride);
        var rng = new Random(seed);
        for (long i = 0; i < rows * stride; i++)
        {
            m.Buffer.Pointer[i] = (float)rng.NextDouble();
        }

        return m;
    }

    private sealed class Matrix(long length) : IDisposable
    {
        public AlignedBuffer<float> Buffer { get; } = new(length, "test matrix");

        public MatrixView View(int rows, int cols, long stride) => MatrixView.Over(Buffer, rows, cols, stride);

        public void Dispose() => Buffer.Dispose();
    }
}
