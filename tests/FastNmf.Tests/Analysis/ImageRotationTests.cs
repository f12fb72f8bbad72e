using FastNmf.Analysis;
using NUnit.Framework;

namespace FastNmf.Tests.Analysis;

public sealed class ImageRotationTests
{
    [Test]
    public void Rotate_PlusNinety_MovesASpotRightOfTheCentreToAboveIt()
    {
        const int n = 32;
        var image = new float[n * n];
        image[(16 * n) + 24] = 1; // 8 px right of (16, 16)
        var rotated = new float[n * n];
        ImageRotation.Rotate(image, n, n, 90, 16, 16, rotated);
        Assert.That(rotated[(8 * n) + 16], Is.EqualTo(1f).Within(1e-6), "8 px above the centre (row 0 is the top)");
        Assert.That(rotated.Sum(), Is.EqualTo(1f).Within(1e-5));
    }

    [Test]
    public void Rotate_ThereAndBack_RestoresASmoothPattern()
    {
        const int n = 64;
        var spots = SyntheticPatterns.Spots(9, 8, 5, 24);
        float[] image = SyntheticPatterns.Render(n, spots, 0, sigma: 2.0);
        float[] expected = SyntheticPatterns.Render(n, spots, 33.3, sigma: 2.0);
        var rotated = new float[n * n];
        var back = new float[n * n];
        ImageRotation.Rotate(image, n, n, 33.3, n / 2, n / 2, rotated);
        ImageRotation.Rotate(rotated, n, n, -33.3, n / 2, n / 2, back);
        Assert.Multiple(() =>
        {
            Assert.That(Similarity.Cosine(rotated, expected), Is.GreaterThan(0.995), "matches the pattern rendered rotated");
            Assert.That(Similarity.Cosine(back, image), Is.GreaterThan(0.99), "and comes back");
        });
    }

    [Test]
    public void Rotate_BadArguments_Throw()
    {
        var a = new float[16];
        Assert.Throws<ArgumentException>(() => ImageRotation.Rotate(a, 4, 4, 10, 2, 2, new float[15]));
        Assert.Throws<ArgumentException>(() => ImageRotation.Rotate(a, 4, 4, double.NaN, 2, 2, new float[16]));
        Assert.Throws<ArgumentException>(() => ImageRotation.Rotate(a, 4, 4, 10, 2, 2, a));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageRotation.Rotate(a, 0, 4, 10, 2, 2, new float[16]));
    }
}
