using FastNmf.Constraints;
using FastNmf.Kernels.Convolution;
using NUnit.Framework;

namespace FastNmf.Tests.Kernels;

/// <summary>
/// <see cref="MapConvolutionScalar"/>: the separable path against the direct one, the direct one against a brute-force
/// true convolution with explicit half-sample-symmetric reflection written here, and the invariants of reflect borders.
/// </summary>
[TestFixture]
public sealed class MapConvolutionTests
{
    private const int Count = 2;

    private static readonly (int Rows, int Cols)[] s_mapSizes = [(1, 1), (2, 3), (5, 7), (36, 36)];
    private static readonly int[] s_kernelSizes = [3, 5, 7];

    private static IEnumerable<TestCaseData> MapsAndKernels()
    {
        foreach ((int rows, int cols) in s_mapSizes)
        {
            foreach (int size in s_kernelSizes)
            {
                yield return new TestCaseData(rows, cols, size).SetArgDisplayNames($"{rows}x{cols}", $"size{size}");
            }
        }
    }

    // Asymmetric kernels: every weight different, so a missing flip or a transposed axis changes the result.
    private static IEnumerable<TestCaseData> MapsAndAsymmetricKernels()
    {
        foreach ((int rows, int cols) in s_mapSizes)
        {
            foreach (int size in s_kernelSizes)
            {
                float[] weights = Enumerable.Range(0, size * size).Select(i => (float)(1 + i + (i * i % 7))).ToArray();
                yield return new TestCaseData(rows, cols, size, weights).SetArgDisplayNames($"{rows}x{cols}", $"custom{size}");
            }
        }
    }

    [TestCaseSource(nameof(MapsAndKernels))]
    public void ConvolveSeparable_GaussianKernel_MatchesConvolveDirect(int rows, int cols, int size)
    {
        ConvolutionKernel kernel = ConvolutionKernel.FromFwhmPixels(1.7, KernelShape.Gaussian, size);
        Assert.That(kernel.IsSeparable, Is.True, "a Gaussian kernel must be separable");
        float[] src = RandomMaps(rows, cols, seed: (rows * 100) + (cols * 10) + size);
        int[] rowTable = ReflectBorder.Table(rows, kernel.Radius);
        int[] colTable = ReflectBorder.Table(cols, kernel.Radius);
        var direct = new float[src.Length];
        var separable = new float[src.Length];
        var scratch = new float[rows * cols];
        var convolution = new MapConvolutionScalar();

        convolution.ConvolveDirect(src, direct, Count, rows, rows, cols, kernel.Weights, size, rowTable, colTable);
        convolution.ConvolveSeparable(src, separable, scratch, Count, rows, rows, cols, kernel.SeparableFactor, rowTable, colTable);

        // Non-negative data and weights: Σ|terms| is the result itself.
        for (int i = 0; i < src.Length; i++)
        {
            Assert.That(separable[i], Is.EqualTo(direct[i]).Within(1e-5 * Math.Abs(direct[i])), $"element {i}");
        }
    }

    private static IEnumerable<TestCaseData> VectorCases() =>
        from size in new[] { 3, 5, 7 }
        from shape in new (int Rows, int Cols)[] { (1, 1), (2, 3), (5, 7), (9, 8), (13, 17), (58, 58) }
        select new TestCaseData(shape.Rows, shape.Cols, size).SetArgDisplayNames($"{shape.Rows}x{shape.Cols}", $"size{size}");

    [TestCaseSource(nameof(VectorCases))]
    public void ConvolveSeparable_Vector256_IsTheScalarBits_OnWholeMapsAndSlabs(int rows, int cols, int size)
    {
        if (!MapConvolutionVector256.IsSupported)
        {
            Assert.Ignore("Vector256 is not accelerated here.");
        }

        ConvolutionKernel kernel = ConvolutionKernel.FromFwhmPixels(2.2, KernelShape.Gaussian, size);
        float[] src = RandomMaps(rows, cols, seed: 5 + (rows * 31) + cols + size);
        var scalar = new float[src.Length];
        var vector = new float[src.Length];
        var scratch = new float[rows * cols];
        int[] rowTable = ReflectBorder.Table(rows, kernel.Radius);
        int[] colTable = ReflectBorder.Table(cols, kernel.Radius);
        new MapConvolutionScalar().ConvolveSeparable(src, scalar, scratch, Count, rows, rows, cols, kernel.SeparableFactor, rowTable, colTable);
        new MapConvolutionVector256().ConvolveSeparable(src, vector, scratch, Count, rows, rows, cols, kernel.SeparableFactor, rowTable, colTable);
        Assert.That(vector, Is.EqualTo(scalar).AsCollection, "whole maps");
        if (rows < 3 * size)
        {
            return;
        }

        // A slab of the middle rows with the kernel's halo above and below, as one rank of a distributed run holds it.
        int first = rows / 3, count = rows / 3;
        var slab = new MapSmoothing(kernel, rows, cols, first, count, new MapConvolutionVector256());
        var slabScalar = new MapSmoothing(kernel, rows, cols, first, count, new MapConvolutionScalar());
        float[] source = src.AsSpan((first - slab.HaloAbove) * cols, slab.SourceRows * cols).ToArray();
        var a = new float[count * cols];
        var b = new float[count * cols];
        slab.Convolve(source, a, 1);
        slabScalar.Convolve(source, b, 1);
        Assert.That(a, Is.EqualTo(b).AsCollection, "slab");
        Assert.That(a, Is.EqualTo(scalar.AsSpan(first * cols, count * cols).ToArray()).AsCollection, "slab = the whole map's rows");
    }

    [TestCaseSource(nameof(MapsAndAsymmetricKernels))]
    public void ConvolveDirect_AsymmetricKernel_MatchesBruteForceTrueConvolution(int rows, int cols, int size, float[] weights)
    {
        ConvolutionKernel kernel = ConvolutionKernel.FromWeights(weights, size);
        float[] src = RandomMaps(rows, cols, seed: 7 + (rows * 100) + (cols * 10) + size);
        var actual = new float[src.Length];

        new MapConvolutionScalar().ConvolveDirect(src, actual, Count, rows, rows, cols, kernel.Weights, size,
            ReflectBorder.Table(rows, kernel.Radius), ReflectBorder.Table(cols, kernel.Radius));

        double[] expected = BruteForce(src, rows, cols, kernel.Weights.ToArray(), size);
        for (int i = 0; i < src.Length; i++)
        {
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-5 * Math.Abs(expected[i])), $"element {i}");
        }
    }

    [Test]
    public void ConvolveDirect_OffCentreDelta_ShiftsMapLikeATrueConvolution()
    {
        // out(y, x) = Σ K[r+dy, r+dx] · in(y−dy, x−dx): a single weight at the top-left (dy = dx = −1) gives in(y+1, x+1).
        const int Rows = 4, Cols = 5;
        float[] weights = [1, 0, 0, 0, 0, 0, 0, 0, 0];
        ConvolutionKernel kernel = ConvolutionKernel.FromWeights(weights, 3);
        float[] src = Enumerable.Range(0, Rows * Cols).Select(i => (float)i).ToArray();
        var actual = new float[src.Length];

        new MapConvolutionScalar().ConvolveDirect(src, actual, 1, Rows, Rows, Cols, kernel.Weights, 3,
            ReflectBorder.Table(Rows, 1), ReflectBorder.Table(Cols, 1));

        // Reflection at the far edges: index Rows → Rows − 1, Cols → Cols − 1.
        var expected = new float[src.Length];
        for (int y = 0; y < Rows; y++)
        {
            for (int x = 0; x < Cols; x++)
            {
                expected[(y * Cols) + x] = src[(Math.Min(y + 1, Rows - 1) * Cols) + Math.Min(x + 1, Cols - 1)];
            }
        }

        Assert.That(actual, Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(MapsAndAsymmetricKernels))]
    public void ConvolveDirect_ConstantMap_StaysConstant(int rows, int cols, int size, float[] weights)
    {
        ConvolutionKernel kernel = ConvolutionKernel.FromWeights(weights, size);
        float[] src = Enumerable.Repeat(3.25f, Count * rows * cols).ToArray();
        var actual = new float[src.Length];

        new MapConvolutionScalar().ConvolveDirect(src, actual, Count, rows, rows, cols, kernel.Weights, size,
            ReflectBorder.Table(rows, kernel.Radius), ReflectBorder.Table(cols, kernel.Radius));

        Assert.That(actual, Is.All.EqualTo(3.25f).Within(1e-5).Percent);
    }

    [TestCaseSource(nameof(MapsAndKernels))]
    public void ConvolveSeparable_ConstantMap_StaysConstant(int rows, int cols, int size)
    {
        ConvolutionKernel kernel = ConvolutionKernel.FromFwhmPixels(2.5, KernelShape.Gaussian, size);
        float[] src = Enumerable.Repeat(3.25f, Count * rows * cols).ToArray();
        var actual = new float[src.Length];

        new MapConvolutionScalar().ConvolveSeparable(src, actual, new float[rows * cols], Count, rows, rows, cols, kernel.SeparableFactor,
            ReflectBorder.Table(rows, kernel.Radius), ReflectBorder.Table(cols, kernel.Radius));

        Assert.That(actual, Is.All.EqualTo(3.25f).Within(1e-5).Percent);
    }

    [TestCaseSource(nameof(MapsAndKernels))]
    public void Convolve_SymmetricKernel_PreservesEachMapsSum(int rows, int cols, int size)
    {
        var convolution = new MapConvolutionScalar();
        float[] src = RandomMaps(rows, cols, seed: 99 + (rows * 100) + (cols * 10) + size);
        int radius = size / 2;
        int[] rowTable = ReflectBorder.Table(rows, radius);
        int[] colTable = ReflectBorder.Table(cols, radius);
        ConvolutionKernel gaussian = ConvolutionKernel.FromFwhmPixels(1.9, KernelShape.Gaussian, size);
        ConvolutionKernel lorentzian = ConvolutionKernel.FromFwhmPixels(1.9, KernelShape.Lorentzian, size);
        var separable = new float[src.Length];
        var directGaussian = new float[src.Length];
        var directLorentzian = new float[src.Length];

        convolution.ConvolveSeparable(src, separable, new float[rows * cols], Count, rows, rows, cols, gaussian.SeparableFactor, rowTable, colTable);
        convolution.ConvolveDirect(src, directGaussian, Count, rows, rows, cols, gaussian.Weights, size, rowTable, colTable);
        convolution.ConvolveDirect(src, directLorentzian, Count, rows, rows, cols, lorentzian.Weights, size, rowTable, colTable);

        int plane = rows * cols;
        for (int m = 0; m < Count; m++)
        {
            double before = Sum(src.AsSpan(m * plane, plane));
            Assert.Multiple(() =>
            {
                Assert.That(Sum(separable.AsSpan(m * plane, plane)), Is.EqualTo(before).Within(1e-5 * before), $"map {m}, separable Gaussian");
                Assert.That(Sum(directGaussian.AsSpan(m * plane, plane)), Is.EqualTo(before).Within(1e-5 * before), $"map {m}, direct Gaussian");
                Assert.That(Sum(directLorentzian.AsSpan(m * plane, plane)), Is.EqualTo(before).Within(1e-5 * before), $"map {m}, direct Lorentzian");
            });
        }
    }

    [TestCase(1, 1, new[] { 0, 0, 0, 0, 0, 0, 0 })]
    [TestCase(2, 2, new[] { 1, 0, 0, 1, 1, 0, 0, 1, 1, 0 })]
    [TestCase(3, 1, new[] { 0, 0, 1, 2, 2, 1, 0 })]
    public void Table_AnyLength_FoldsLikeHalfSampleReflection(int length, int radius, int[] expectedFirstRow)
    {
        int[] table = ReflectBorder.Table(length, radius);
        int taps = (2 * radius) + 1;

        Assert.Multiple(() =>
        {
            Assert.That(table, Has.Length.EqualTo(length * taps));
            for (int i = 0; i < length; i++)
            {
                for (int t = 0; t < taps; t++)
                {
                    Assert.That(table[(i * taps) + t], Is.EqualTo(Reflect(i + t - radius, length)), $"output {i}, tap {t}");
                }
            }
        });

        // Hand-written reflections of −radius .. for the first outputs (an independent check of Reflect itself).
        int[] flat = Enumerable.Range(-radius, expectedFirstRow.Length).Select(i => Reflect(i, length)).ToArray();
        Assert.That(flat, Is.EqualTo(expectedFirstRow));
    }

    /// <summary>Half-sample-symmetric reflection by repeated folding: −1 → 0, −2 → 1, n → n − 1, n + 1 → n − 2.</summary>
    private static int Reflect(int i, int n)
    {
        while (i < 0 || i >= n)
        {
            i = i < 0 ? -1 - i : (2 * n) - 1 - i;
        }

        return i;
    }

    /// <summary>True 2-D convolution, out(y, x) = Σ K[r + dy, r + dx] · in(y − dy, x − dx), reflect borders, in double.</summary>
    private static double[] BruteForce(float[] src, int rows, int cols, float[] kernel, int size)
    {
        int r = size / 2;
        int plane = rows * cols;
        var result = new double[src.Length];
        for (int m = 0; m < src.Length / plane; m++)
        {
            for (int y = 0; y < rows; y++)
            {
                for (int x = 0; x < cols; x++)
                {
                    double sum = 0;
                    for (int dy = -r; dy <= r; dy++)
                    {
                        for (int dx = -r; dx <= r; dx++)
                        {
                            double w = kernel[((r + dy) * size) + r + dx];
                            sum += w * src[(m * plane) + (Reflect(y - dy, rows) * cols) + Reflect(x - dx, cols)];
                        }
                    }

                    result[(m * plane) + (y * cols) + x] = sum;
                }
            }
        }

        return result;
    }

    private static float[] RandomMaps(int rows, int cols, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Count * rows * cols).Select(_ => (float)(0.1 + (10 * random.NextDouble()))).ToArray();
    }

    private static double Sum(ReadOnlySpan<float> values)
    {
        double s = 0;
        foreach (float v in values)
        {
            s += v;
        }

        return s;
    }
}
