using FastNmf.Constraints;
using FastNmf.Kernels.Convolution;
using NUnit.Framework;

namespace FastNmf.Tests.Constraints;

public sealed class MapSmoothingTests
{
    [Test]
    public void Convolve_ConstantMaps_StayConstant()
    {
        var s = new MapSmoothing(ConvolutionKernel.FromFwhmPixels(2.5), 9, 7, new MapConvolutionScalar());
        var src = Enumerable.Repeat(3.5f, 2 * 63).ToArray();
        var dst = new float[src.Length];
        s.Convolve(src, dst, 2);
        Assert.That(dst, Is.All.EqualTo(3.5f).Within(1e-5));
    }

    [Test]
    public void Convolve_SeparableAndDirectPaths_Agree()
    {
        var rng = new Random(7);
        var src = Enumerable.Range(0, 3 * 36 * 36).Select(_ => (float)rng.NextDouble()).ToArray();
        ConvolutionKernel gaussian = ConvolutionKernel.FromFwhmPixels(2.0);
        ConvolutionKernel dense = ConvolutionKernel.FromWeights(gaussian.Weights, gaussian.Size);
        float[] weights = gaussian.Weights.ToArray();
        weights[0] += 1e-3f; // break rank one so the direct path runs
        ConvolutionKernel direct = ConvolutionKernel.FromWeights(weights, gaussian.Size);
        Assert.That(dense.IsSeparable, Is.True);
        Assert.That(direct.IsSeparable, Is.False);
        var a = new float[src.Length];
        var b = new float[src.Length];
        new MapSmoothing(gaussian, 36, 36, new MapConvolutionScalar()).Convolve(src, a, 3);
        new MapSmoothing(direct, 36, 36, new MapConvolutionScalar()).Convolve(src, b, 3);
        Assert.That(b, Is.EqualTo(a).Within(2e-3));
    }

    [Test]
    public void Convolve_PointSource_SpreadsIntoTheKernelAndPreservesTotal()
    {
        ConvolutionKernel k = ConvolutionKernel.FromProbe(2.0, 1.5);
        var src = new float[11 * 11];
        src[(5 * 11) + 5] = 1;
        var dst = new float[src.Length];
        new MapSmoothing(k, 11, 11, new MapConvolutionScalar()).Convolve(src, dst, 1);
        Assert.Multiple(() =>
        {
            Assert.That(dst.Sum(), Is.EqualTo(1.0).Within(1e-6));
            Assert.That(dst[(5 * 11) + 5], Is.EqualTo(k.Weights[4]).Within(1e-7));
            Assert.That(dst[(4 * 11) + 6], Is.EqualTo(k.Weights[2]).Within(1e-7));
            Assert.That(dst[(3 * 11) + 5], Is.Zero, "outside a 3×3 kernel");
        });
    }

    [Test]
    public void ReflectBorder_Fold_IsHalfSampleSymmetric()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ReflectBorder.Fold(-1, 4), Is.EqualTo(0));
            Assert.That(ReflectBorder.Fold(-2, 4), Is.EqualTo(1));
            Assert.That(ReflectBorder.Fold(4, 4), Is.EqualTo(3));
            Assert.That(ReflectBorder.Fold(5, 4), Is.EqualTo(2));
            Assert.That(ReflectBorder.Fold(-3, 1), Is.EqualTo(0), "a one-pixel map folds onto itself");
            Assert.That(ReflectBorder.Fold(9, 4), Is.EqualTo(1), "folds repeatedly for kernels wider than the map");
        });
    }
}
