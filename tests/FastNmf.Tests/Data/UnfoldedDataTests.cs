using FastNmf.Data;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Data;

public sealed class UnfoldedDataTests
{
    [Test]
    public void Refold_WithoutMask_RoundTripsExactly()
    {
        Dataset4D data = RandomData.LowRank(5, 7, 9, 11, rank: 2, noise: 1, seed: 1);
        using UnfoldedData x = UnfoldedData.Create(data);
        Assert.Multiple(() =>
        {
            Assert.That(x.NXy, Is.EqualTo(35));
            Assert.That(x.NUv, Is.EqualTo(99));
            Assert.That(x.Refold().Data, Is.EqualTo(data.Data).AsCollection);
        });
    }

    [Test]
    public void Column_IsTheDiffractionAtThatScanPosition_InRowMajorScanOrder()
    {
        Dataset4D data = RandomData.LowRank(3, 4, 5, 6, rank: 2, noise: 1, seed: 2);
        using UnfoldedData x = UnfoldedData.Create(data);
        Assert.That(x.Column((2 * 4) + 1).ToArray(), Is.EqualTo(data.Frame(2, 1).ToArray()));
    }

    [Test]
    public void Create_WithMask_DropsMaskedPixels_AndRefoldsThemAsZero()
    {
        Dataset4D data = RandomData.LowRank(3, 3, 8, 8, rank: 2, noise: 1, seed: 3);
        var mask = DetectorMask.DirectBeam(8, 8, 4, 4, 1.5);
        using UnfoldedData x = UnfoldedData.Create(data, mask);
        Dataset4D back = x.Refold();
        Assert.That(x.NUv, Is.EqualTo(64 - mask.MaskedCount));
        Assert.That(mask.MaskedCount, Is.EqualTo(9), "radius 1.5 about (4, 4): the 3×3 block");
        for (int i = 0; i < data.Data.Length; i++)
        {
            bool masked = mask.Masked[i % 64];
            Assert.That(back.Data[i], Is.EqualTo(masked ? 0f : data.Data[i]), $"element {i}");
        }

        Assert.That(x.SumOfSquares, Is.EqualTo(back.Data.Sum(v => (double)v * v)).Within(1e-9).Percent);
    }

    [Test]
    public void DetectorMask_HidingEverything_IsRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => DetectorMask.DirectBeam(8, 8, 4, 4, 100), Throws.ArgumentException.With.Message.Contains("every detector pixel"));
            Assert.That(() => DetectorMask.DirectBeam(8, 8, 4, 4, double.NaN), Throws.ArgumentException);
            Assert.That(() => new DetectorMask(new bool[10], 3, 3), Throws.ArgumentException);
        });
    }

    [Test]
    public void Create_MaskOfAnotherDetector_IsRejected()
    {
        Dataset4D data = RandomData.LowRank(3, 3, 8, 8, rank: 1, noise: 0, seed: 4);
        Assert.That(() => UnfoldedData.Create(data, DetectorMask.DirectBeam(9, 9, 4, 4, 1)), Throws.ArgumentException.With.Message.Contains("9×9"));
    }

    [Test]
    public void ValidateValues_RejectsNaNInfAndNegatives_ClipsOnRequest()
    {
        var nan = new Dataset4D([1, float.NaN, 2, 3], 1, 1, 2, 2);
        var inf = new Dataset4D([1, 2, float.PositiveInfinity, 3], 1, 1, 2, 2);
        var neg = new Dataset4D([1, -2, 2, -3], 1, 1, 2, 2);
        Assert.Multiple(() =>
        {
            Assert.That(() => nan.ValidateValues(false), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("(0, 0, 0, 1)"));
            Assert.That(() => inf.ValidateValues(true), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("finite"));
            Assert.That(() => neg.ValidateValues(false), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("--clip-negative"));
        });
        Assert.That(neg.ValidateValues(true), Is.EqualTo(2));
        Assert.That(neg.Data, Is.EqualTo(new float[] { 1, 0, 2, 0 }));
    }

    [Test]
    public void Dataset4D_WrongLength_IsRejected()
    {
        Assert.That(() => new Dataset4D(new float[10], 1, 2, 2, 2), Throws.ArgumentException.With.Message.Contains("needs 8"));
    }
}
