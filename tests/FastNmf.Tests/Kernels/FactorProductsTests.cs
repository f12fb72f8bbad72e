using FastNmf.Kernels.Gemm;
using FastNmf.Kernels.Lanes;
using FastNmf.Memory;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Kernels;

/// <summary>
/// Holds the accelerated <see cref="FactorProductsTensorPrimitives"/> and <see cref="FactorProductsLanes"/> (every lane
/// width this machine runs) to the scalar reference <see cref="FactorProductsScalar"/>
/// on shapes that exercise every vector remainder and the 2048-column blocking, over strided views whose padding is NaN
/// in the inputs (an over-read poisons the result) and a sentinel in the outputs (an over-write changes it).
/// </summary>
[TestFixture]
public sealed class FactorProductsTests
{
    private const double RelativeTolerancePerSqrtTerm = 1e-5;

    // Outputs are padded with a finite sentinel rather than NaN: a kernel that runs past a row's end reads and
    // rewrites the padding, and NaN · h + NaN would still be NaN, hiding the overrun.
    private const float OutputPadding = -7777.25f;

    private static readonly int[] s_components = [1, 3, 4, 7];
    private static readonly int[] s_frames = [1, 5, 33];
    private static readonly int[] s_columns = [1, 15, 16, 17, 100, 2049, 4100];

    // The X products at every accelerated implementation; k up to 9 crosses the lane kernels' groups of four components,
    // n = 2 and odd n their frame pairs.
    private static IEnumerable<TestCaseData> XShapes()
    {
        string[] kernels = ["TensorPrimitives", .. LaneWidths.Available.Select(w => $"DenseLanes{w}")];
        foreach (string kernel in kernels)
        {
            foreach (int k in (int[])[1, 3, 4, 7, 9])
            {
                foreach (int n in (int[])[1, 2, 5, 33])
                {
                    foreach (int m in s_columns)
                    {
                        foreach (StrideKind stride in Enum.GetValues<StrideKind>())
                        {
                            yield return new TestCaseData(kernel, k, n, m, stride).SetArgDisplayNames(kernel, $"k{k}", $"n{n}", $"m{m}", stride.ToString());
                        }
                    }
                }
            }
        }
    }

    private static IFactorProducts Fast(string kernel) => kernel == "TensorPrimitives"
        ? new FactorProductsTensorPrimitives()
        : new FactorProductsLanes(Enum.Parse<LaneWidth>(kernel["DenseLanes".Length..]));

    private static IEnumerable<TestCaseData> Shapes()
    {
        foreach (int k in s_components)
        {
            foreach (int n in s_frames)
            {
                foreach (int m in s_columns)
                {
                    foreach (StrideKind stride in Enum.GetValues<StrideKind>())
                    {
                        yield return new TestCaseData(k, n, m, stride).SetArgDisplayNames($"k{k}", $"n{n}", $"m{m}", stride.ToString());
                    }
                }
            }
        }
    }

    [TestCaseSource(nameof(XShapes))]
    public void AccumulateHX_AnyShape_MatchesScalarReference(string kernel, int k, int n, int m, StrideKind strideKind)
    {
        long before = AlignedBuffer<float>.Outstanding;
        using (var pool = new StridedMatrixPool())
        {
            var random = new Random(Seed(1, k, n, m, strideKind));
            StridedMatrix h = pool.Matrix(k, n, strideKind, random, -1, 1);
            StridedMatrix x = pool.Matrix(n, m, strideKind, random, 0, 2);
            StridedMatrix accStart = pool.Matrix(k, m, strideKind, random, -3, 3, OutputPadding);
            StridedMatrix accScalar = pool.Copy(accStart);
            StridedMatrix accFast = pool.Copy(accStart);

            // A zero weight is skipped by the accelerated kernel; make sure one is present when there is room.
            if (k * n > 1)
            {
                h.Set(0, 0, 0f);
            }

            new FactorProductsScalar().AccumulateHX(h.View, x.View, accScalar.View);
            Fast(kernel).AccumulateHX(h.View, x.View, accFast.View);

            var expected = new double[k * m];
            var scale = new double[k * m];
            for (int c = 0; c < k; c++)
            {
                for (int u = 0; u < m; u++)
                {
                    double sumAbs = Math.Abs(accStart.Get(c, u));
                    for (int j = 0; j < n; j++)
                    {
                        sumAbs += Math.Abs((double)h.Get(c, j) * x.Get(j, u));
                    }

                    expected[(c * m) + u] = accScalar.Get(c, u);
                    scale[(c * m) + u] = sumAbs;
                }
            }

            AssertClose(accFast.Dense(), expected, scale, n + 1, "acc");
            Assert.Multiple(() =>
            {
                AssertPaddingIntact(accFast, "acc (accelerated)");
                AssertPaddingIntact(accScalar, "acc (scalar)");
            });
        }

        Assert.That(AlignedBuffer<float>.Outstanding, Is.EqualTo(before));
    }

    [TestCaseSource(nameof(XShapes))]
    public void ProjectWX_AnyShape_MatchesScalarReference(string kernel, int k, int n, int m, StrideKind strideKind)
    {
        long before = AlignedBuffer<float>.Outstanding;
        using (var pool = new StridedMatrixPool())
        {
            var random = new Random(Seed(2, k, n, m, strideKind));
            StridedMatrix w = pool.Matrix(k, m, strideKind, random, -1, 1);
            StridedMatrix x = pool.Matrix(n, m, strideKind, random, 0, 2);
            StridedMatrix dstScalar = pool.Matrix(k, n, strideKind, random, 100, 200, OutputPadding);
            StridedMatrix dstFast = pool.Matrix(k, n, strideKind, random, 100, 200, OutputPadding);

            new FactorProductsScalar().ProjectWX(w.View, x.View, dstScalar.View);
            Fast(kernel).ProjectWX(w.View, x.View, dstFast.View);

            var expected = new double[k * n];
            var scale = new double[k * n];
            for (int c = 0; c < k; c++)
            {
                for (int j = 0; j < n; j++)
                {
                    double sumAbs = 0;
                    for (int u = 0; u < m; u++)
                    {
                        sumAbs += Math.Abs((double)w.Get(c, u) * x.Get(j, u));
                    }

                    expected[(c * n) + j] = dstScalar.Get(c, j);
                    scale[(c * n) + j] = sumAbs;
                }
            }

            AssertClose(dstFast.Dense(), expected, scale, m, "dst");
            AssertPaddingIntact(dstFast, "dst (accelerated)");
        }

        Assert.That(AlignedBuffer<float>.Outstanding, Is.EqualTo(before));
    }

    [TestCaseSource(nameof(Shapes))]
    public void MultiplySmall_AnyShape_MatchesScalarReference(int k, int n, int m, StrideKind strideKind)
    {
        _ = n;
        long before = AlignedBuffer<float>.Outstanding;
        using (var pool = new StridedMatrixPool())
        {
            var random = new Random(Seed(3, k, n, m, strideKind));
            double[] small = Enumerable.Range(0, k * k).Select(_ => (random.NextDouble() * 4) - 2).ToArray();
            StridedMatrix src = pool.Matrix(k, m, strideKind, random, 0, 5);
            StridedMatrix dstScalar = pool.Matrix(k, m, strideKind, random, 100, 200, OutputPadding);
            StridedMatrix dstFast = pool.Matrix(k, m, strideKind, random, 100, 200, OutputPadding);

            new FactorProductsScalar().MultiplySmall(small, src.View, dstScalar.View);
            new FactorProductsTensorPrimitives().MultiplySmall(small, src.View, dstFast.View);

            var expected = new double[k * m];
            var scale = new double[k * m];
            for (int r = 0; r < k; r++)
            {
                for (int u = 0; u < m; u++)
                {
                    double sumAbs = 0;
                    for (int c = 0; c < k; c++)
                    {
                        sumAbs += Math.Abs(small[(r * k) + c] * src.Get(c, u));
                    }

                    expected[(r * m) + u] = dstScalar.Get(r, u);
                    scale[(r * m) + u] = sumAbs;
                }
            }

            AssertClose(dstFast.Dense(), expected, scale, k, "dst");
            AssertPaddingIntact(dstFast, "dst (accelerated)");
        }

        Assert.That(AlignedBuffer<float>.Outstanding, Is.EqualTo(before));
    }

    [TestCaseSource(nameof(Shapes))]
    public void Gram_AnyShape_MatchesScalarReferenceAndIsSymmetric(int k, int n, int m, StrideKind strideKind)
    {
        _ = n;
        long before = AlignedBuffer<float>.Outstanding;
        using (var pool = new StridedMatrixPool())
        {
            var random = new Random(Seed(4, k, n, m, strideKind));
            StridedMatrix a = pool.Matrix(k, m, strideKind, random, -1, 1);
            var gScalar = new double[k * k];
            double[] gFast = Enumerable.Repeat(double.NaN, k * k).ToArray();

            new FactorProductsScalar().Gram(a.View, gScalar);
            new FactorProductsTensorPrimitives().Gram(a.View, gFast);

            var scale = new double[k * k];
            for (int r = 0; r < k; r++)
            {
                for (int c = 0; c < k; c++)
                {
                    double sumAbs = 0;
                    for (int u = 0; u < m; u++)
                    {
                        sumAbs += Math.Abs((double)a.Get(r, u) * a.Get(c, u));
                    }

                    scale[(r * k) + c] = sumAbs;
                }
            }

            AssertClose(gFast, gScalar, scale, m, "g");
            for (int r = 0; r < k; r++)
            {
                for (int c = 0; c < r; c++)
                {
                    Assert.That(gFast[(r * k) + c], Is.EqualTo(gFast[(c * k) + r]), $"g[{r},{c}] vs g[{c},{r}]");
                }
            }
        }

        Assert.That(AlignedBuffer<float>.Outstanding, Is.EqualTo(before));
    }

    [Test]
    public void AllProducts_SmallKnownMatrices_MatchHandComputation()
    {
        // h = [1 2; 3 4], x = [5 6 7; 8 9 10], acc0 = 1 everywhere: acc = 1 + h·x = [22 25 28; 48 55 62].
        // w = [1 0 2; 0 1 1]: w·xᵀ = [19 28; 13 19].  M = [0 1; 2 0]: M·h = [3 4; 2 4].  Gram(h) = [5 11; 11 25].
        long before = AlignedBuffer<float>.Outstanding;
        using (var pool = new StridedMatrixPool())
        {
            foreach (IFactorProducts products in new IFactorProducts[] { new FactorProductsScalar(), new FactorProductsTensorPrimitives(), new FactorProductsLanes() })
            {
                StridedMatrix h = pool.From(2, 2, [1, 2, 3, 4]);
                StridedMatrix x = pool.From(2, 3, [5, 6, 7, 8, 9, 10]);
                StridedMatrix acc = pool.From(2, 3, [1, 1, 1, 1, 1, 1]);
                StridedMatrix w = pool.From(2, 3, [1, 0, 2, 0, 1, 1]);
                StridedMatrix projected = pool.From(2, 2, [0, 0, 0, 0]);
                StridedMatrix product = pool.From(2, 2, [0, 0, 0, 0]);
                var gram = new double[4];

                products.AccumulateHX(h.View, x.View, acc.View);
                products.ProjectWX(w.View, x.View, projected.View);
                products.MultiplySmall([0, 1, 2, 0], h.View, product.View);
                products.Gram(h.View, gram);

                Assert.Multiple(() =>
                {
                    Assert.That(acc.Dense(), Is.EqualTo(new double[] { 22, 25, 28, 48, 55, 62 }).Within(1e-9), products.Name + " AccumulateHX");
                    Assert.That(projected.Dense(), Is.EqualTo(new double[] { 19, 28, 13, 19 }).Within(1e-9), products.Name + " ProjectWX");
                    Assert.That(product.Dense(), Is.EqualTo(new double[] { 3, 4, 2, 4 }).Within(1e-9), products.Name + " MultiplySmall");
                    Assert.That(gram, Is.EqualTo(new double[] { 5, 11, 11, 25 }).Within(1e-9), products.Name + " Gram");
                });
            }
        }

        Assert.That(AlignedBuffer<float>.Outstanding, Is.EqualTo(before));
    }

    [Test]
    public void AccumulateHX_MismatchedShapes_ThrowsArgumentException()
    {
        long before = AlignedBuffer<float>.Outstanding;
        using (var pool = new StridedMatrixPool())
        {
            StridedMatrix h = pool.From(2, 3, new float[6]);
            StridedMatrix x = pool.From(2, 4, new float[8]);
            StridedMatrix acc = pool.From(2, 4, new float[8]);

            Assert.Multiple(() =>
            {
                Assert.That(() => new FactorProductsScalar().AccumulateHX(h.View, x.View, acc.View), Throws.ArgumentException);
                Assert.That(() => new FactorProductsTensorPrimitives().AccumulateHX(h.View, x.View, acc.View), Throws.ArgumentException);
            });
        }

        Assert.That(AlignedBuffer<float>.Outstanding, Is.EqualTo(before));
    }

    private static int Seed(int test, int k, int n, int m, StrideKind stride) =>
        (test * 1_000_003) + (k * 10_007) + (n * 101) + m + ((int)stride * 7_777_777);

    /// <summary>Asserts |actual − expected| ≤ 1e-5·√len·scale + tiny for every element, reporting the worst one.</summary>
    private static void AssertClose(double[] actual, double[] expected, double[] scale, int reductionLength, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what + " length");
        int worst = -1;
        double worstRatio = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            double tolerance = Tolerance(scale[i], reductionLength);
            double diff = Math.Abs(actual[i] - expected[i]);
            double ratio = double.IsNaN(diff) ? double.PositiveInfinity : diff / tolerance;
            if (ratio > worstRatio)
            {
                worstRatio = ratio;
                worst = i;
            }
        }

        if (worst >= 0)
        {
            Assert.That(actual[worst], Is.EqualTo(expected[worst]).Within(Tolerance(scale[worst], reductionLength)),
                $"{what}[{worst}] (worst of {actual.Length}; reduction length {reductionLength}, Σ|terms| {scale[worst]:G6})");
        }
    }

    private static double Tolerance(double scale, int reductionLength) =>
        (RelativeTolerancePerSqrtTerm * Math.Sqrt(reductionLength) * scale) + 1e-30;

    private static void AssertPaddingIntact(StridedMatrix matrix, string what)
    {
        Span<float> all = matrix.Buffer.AsSpan();
        int overwritten = 0;
        string first = "none";
        for (int i = 0; i < all.Length; i++)
        {
            long row = i / matrix.Stride;
            long col = i % matrix.Stride;
            bool isData = row < matrix.Rows && col < matrix.Cols;
            if (!isData && BitConverter.SingleToInt32Bits(all[i]) != BitConverter.SingleToInt32Bits(OutputPadding))
            {
                if (overwritten++ == 0)
                {
                    first = $"element {i} (row {row}, col {col}) = {all[i]}";
                }
            }
        }

        Assert.That(overwritten, Is.Zero, $"{what}: padding overwritten, first at {first}");
    }
}
