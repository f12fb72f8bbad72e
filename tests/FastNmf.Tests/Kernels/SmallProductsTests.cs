using FastNmf.Kernels.Gemm;
using FastNmf.Kernels.Lanes;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Kernels;

/// <summary>
/// <see cref="SmallProducts"/> at every width this machine runs (M·src) and its widest (the Gram) against its scalar twins, bit for bit, on shapes that hit
/// every strip and tile remainder (k mod 4 rows of the Gram, n mod 4 tail columns, n mod 8 vectors of M·src), over
/// strided views whose input padding is NaN (an over-read poisons the result) and whose output padding is a sentinel
/// (an over-write changes it). Closeness to the double-precision textbook reference is FactorProductsTests' job.
/// </summary>
[TestFixture]
public sealed class SmallProductsTests
{
    private const float OutputPadding = -7777.25f;

    private static IEnumerable<TestCaseData> Shapes() =>
        from k in new[] { 1, 3, 4, 5, 8, 30 }
        from n in new[] { 0, 1, 3, 4, 15, 16, 17, 127, 128, 129, 1000 }
        from stride in Enum.GetValues<StrideKind>()
        select new TestCaseData(k, n, stride).SetArgDisplayNames($"k{k}", $"n{n}", stride.ToString());

    [TestCaseSource(nameof(Shapes))]
    public void Multiply_IsTheScalarTwinsBits(int k, int n, StrideKind stride)
    {
        using var pool = new StridedMatrixPool();
        var random = new Random((k * 1000) + n);
        double[] m = Enumerable.Range(0, k * k).Select(_ => (random.NextDouble() * 4) - 2).ToArray();
        StridedMatrix src = pool.Matrix(k, n, stride, random, -3, 5);
        StridedMatrix fast = pool.Matrix(k, n, stride, random, 0, 1, OutputPadding);
        StridedMatrix scalar = pool.Matrix(k, n, stride, random, 0, 1, OutputPadding);
        SmallProducts.MultiplyScalar(m, src.View, scalar.View);
        foreach (LaneWidth width in LaneWidths.Available)
        {
            fast.View.Row(0).Clear();
            SmallProducts.Multiply(width, m, src.View, fast.View);
            Assert.That(Bits(fast), Is.EqualTo(Bits(scalar)).AsCollection, $"values and padding at {width}");
        }

        SmallProducts.Multiply(m, src.View, fast.View);
        Assert.That(Bits(fast), Is.EqualTo(Bits(scalar)).AsCollection, "values and padding at the widest width");
        for (int r = 0; r < k && n > 0; r++)
        {
            double expected = 0;
            for (int c = 0; c < k; c++)
            {
                expected += (float)m[(r * k) + c] * (double)src.Get(c, n - 1);
            }

            Assert.That(fast.Get(r, n - 1), Is.EqualTo(expected).Within(1e-4 * (1 + Math.Abs(expected))), $"row {r}, last column");
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void Gram_IsTheScalarTwinsBits_AndSymmetric(int k, int n, StrideKind stride)
    {
        using var pool = new StridedMatrixPool();
        var random = new Random((k * 7) + n);
        StridedMatrix a = pool.Matrix(k, n, stride, random, -1, 1);
        double[] fast = Enumerable.Repeat(double.NaN, k * k).ToArray();
        double[] scalar = Enumerable.Repeat(double.NaN, k * k).ToArray();
        SmallProducts.Gram(a.View, fast);
        SmallProducts.GramScalar(a.View, scalar);
        Assert.That(fast, Is.EqualTo(scalar).AsCollection);
        for (int r = 0; r < k; r++)
        {
            for (int c = 0; c < k; c++)
            {
                Assert.That(fast[(r * k) + c], Is.EqualTo(fast[(c * k) + r]), $"({r}, {c})");
                double expected = 0;
                for (int j = 0; j < n; j++)
                {
                    expected += (double)a.Get(r, j) * a.Get(c, j);
                }

                Assert.That(fast[(r * k) + c], Is.EqualTo(expected).Within(1e-12 * (1 + n)), $"({r}, {c}) against a plain double sum");
            }
        }
    }

    private static int[] Bits(StridedMatrix m) => m.Buffer.AsSpan().ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
}
