using FastNmf.Constraints;
using NUnit.Framework;

namespace FastNmf.Tests.Constraints;

public sealed class ConvolutionKernelTests
{
    [Test]
    public void FromProbe_PaperSettings_IsTheNormalisedThreeByThreeGaussian()
    {
        // 2 nm probe FWHM, 1.5 nm step → FWHM 4/3 px, σ = FWHM / 2√(2 ln 2) = 0.5662 px; 1-D weights ∝ [e^(−1/2σ²), 1, e^(−1/2σ²)].
        ConvolutionKernel k = ConvolutionKernel.FromProbe(2.0, 1.5);
        double sigma = (4.0 / 3.0) / (2 * Math.Sqrt(2 * Math.Log(2)));
        double side = Math.Exp(-1 / (2 * sigma * sigma));
        double[] f = [side / (1 + (2 * side)), 1 / (1 + (2 * side)), side / (1 + (2 * side))];
        Assert.That(k.Size, Is.EqualTo(3));
        for (int y = 0; y < 3; y++)
        {
            for (int x = 0; x < 3; x++)
            {
                Assert.That(k.Weights[(y * 3) + x], Is.EqualTo(f[y] * f[x]).Within(1e-6), $"weight ({y}, {x})");
            }
        }

        Assert.That(k.IsSeparable, Is.True);
        Assert.That(k.SeparableFactor.ToArray(), Is.EqualTo(f.Select(v => (float)v).ToArray()).Within(1e-6));
    }

    [TestCase(KernelShape.Gaussian, 3.0, null)]
    [TestCase(KernelShape.Lorentzian, 2.0, 7)]
    [TestCase(KernelShape.PseudoVoigt, 2.5, 5)]
    public void FromFwhmPixels_AnyShape_SumsToOneAndIsSymmetric(KernelShape shape, double fwhm, int? size)
    {
        ConvolutionKernel k = ConvolutionKernel.FromFwhmPixels(fwhm, shape, size);
        int n = k.Size;
        Assert.That(k.Weights.ToArray().Sum(), Is.EqualTo(1.0).Within(1e-5));
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n; x++)
            {
                float w = k.Weights[(y * n) + x];
                Assert.That(k.Weights[(x * n) + y], Is.EqualTo(w), "transpose symmetry");
                Assert.That(k.Weights[((n - 1 - y) * n) + (n - 1 - x)], Is.EqualTo(w).Within(1e-7), "point symmetry");
            }
        }

        Assert.That(k.IsSeparable, Is.EqualTo(shape == KernelShape.Gaussian));
    }

    [Test]
    public void FromFwhmPixels_DefaultSize_SpansPlusMinusFwhm()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ConvolutionKernel.FromFwhmPixels(1.0).Size, Is.EqualTo(3));
            Assert.That(ConvolutionKernel.FromFwhmPixels(2.5).Size, Is.EqualTo(5));
            Assert.That(ConvolutionKernel.FromFwhmPixels(3.0).Size, Is.EqualTo(7));
        });
    }

    [Test]
    public void Factories_BadArguments_ThrowNamingTheParameter()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => ConvolutionKernel.FromProbe(2, 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("scanStep"));
            Assert.That(() => ConvolutionKernel.FromProbe(-1, 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("probeFwhm"));
            Assert.That(() => ConvolutionKernel.FromFwhmPixels(2, size: 4), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("size"));
            Assert.That(() => ConvolutionKernel.FromFwhmPixels(2, KernelShape.PseudoVoigt, eta: 1.5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("eta"));
            Assert.That(() => ConvolutionKernel.FromWeights([1, 2, 3], 3), Throws.ArgumentException);
            Assert.That(() => ConvolutionKernel.FromWeights(new float[9], 3), Throws.ArgumentException.With.Message.Contains("zero"));
            Assert.That(() => ConvolutionKernel.FromWeights([0, 0, 0, 0, float.NaN, 0, 0, 0, 0], 3), Throws.ArgumentException);
        });
    }

    [Test]
    public void FromWeights_RankOneKernel_IsDetectedSeparable_AndAsymmetricIsNot()
    {
        float[] f = [1, 2, 1];
        var outer = new float[9];
        for (int i = 0; i < 9; i++)
        {
            outer[i] = f[i / 3] * f[i % 3];
        }

        Assert.Multiple(() =>
        {
            Assert.That(ConvolutionKernel.FromWeights(outer, 3).IsSeparable, Is.True);
            Assert.That(ConvolutionKernel.FromWeights([0, 1, 0, 1, 4, 1, 0, 1, 0], 3).IsSeparable, Is.False);
        });
    }
}
