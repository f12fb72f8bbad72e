using FastNmf.Cli.Report;
using FastNmf.Constraints;
using NUnit.Framework;

namespace FastNmf.Tests.Report;

public sealed class ResolutionLimitTests
{
    [Test]
    public void CyclesPerStep_WideGaussian_MatchesTheContinuousTransfer()
    {
        // |G(f)| = exp(−2π²σ²f²) = ½  ⇒  f = √(ln 2 / 2) / (π σ); sampled finely enough the discrete kernel agrees.
        ConvolutionKernel kernel = ConvolutionKernel.FromFwhmPixels(4.0, KernelShape.Gaussian, size: 15);
        double sigma = 4.0 / (2 * Math.Sqrt(2 * Math.Log(2)));
        double expected = Math.Sqrt(Math.Log(2) / 2) / (Math.PI * sigma);

        double? limit = ResolutionLimit.CyclesPerStep(kernel.Weights, kernel.Size);

        Assert.That(limit, Is.EqualTo(expected).Within(0.002));
    }

    [Test]
    public void CyclesPerStep_PaperKernel_IsInsideTheNyquistCircle()
    {
        ConvolutionKernel kernel = ConvolutionKernel.FromProbe(2.0, 1.5);

        double? limit = ResolutionLimit.CyclesPerStep(kernel.Weights, kernel.Size);

        Assert.Multiple(() =>
        {
            Assert.That(kernel.Size, Is.EqualTo(3));
            Assert.That(limit, Is.Not.Null.And.InRange(0.355, 0.363));
            Assert.That(ResolutionLimit.MeanTransfer(kernel.Weights, kernel.Size, limit!.Value), Is.EqualTo(0.5).Within(0.002));
        });
    }

    [Test]
    public void CyclesPerStep_IdentityKernel_HasNoLimit()
    {
        Assert.That(ResolutionLimit.CyclesPerStep([1f], 1), Is.Null);
    }

    [Test]
    public void CyclesPerStep_EvenKernel_Throws()
    {
        Assert.That(() => ResolutionLimit.CyclesPerStep(new float[4], 2), Throws.ArgumentException.With.Message.Contains("odd"));
    }
}
