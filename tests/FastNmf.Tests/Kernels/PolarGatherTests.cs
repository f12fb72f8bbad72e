using FastNmf.Kernels.Polar;
using NUnit.Framework;

namespace FastNmf.Tests.Kernels;

/// <summary>
/// <see cref="PolarSamplingMap"/> + <see cref="PolarGatherScalar"/> against bilinear interpolation written out here:
/// sample (r, p) sits at row = c_r − r·sin φ, col = c_c + r·cos φ with φ = 2πp/n_φ.
/// </summary>
[TestFixture]
public sealed class PolarGatherTests
{
    private const int Size = 32;
    private const int Radii = 24;
    private const int Phi = 40;

    // Corner weights at or below this are "not touching" (rounding of r·cos φ at φ = π/2 leaves ~1e-15).
    private const double NegligibleWeight = 1e-9;

    private static readonly object[] s_centres =
    [
        new object[] { 16.0, 16.0 },
        new object[] { 15.5, 17.25 },
    ];

    [TestCaseSource(nameof(s_centres))]
    public void Gather_RandomImage_MatchesBruteForceBilinear(double centreRow, double centreCol)
    {
        float[] image = RandomImage(seed: 11);
        var map = new PolarSamplingMap(Size, Size, centreRow, centreCol, Radii, Phi, ReadOnlySpan<bool>.Empty);
        var polar = new float[Radii * Phi];

        new PolarGatherScalar().Gather(image, map, polar);

        int valid = 0, outside = 0;
        for (int r = 0; r < Radii; r++)
        {
            for (int p = 0; p < Phi; p++)
            {
                int s = (r * Phi) + p;
                (double value, bool ok) = BruteForce(image, null, centreRow, centreCol, r, p);
                Assert.That(map.Valid[s], Is.EqualTo(ok), $"validity of r {r}, p {p}");
                if (ok)
                {
                    valid++;
                    Assert.That(polar[s], Is.EqualTo(value).Within(1e-5 * Math.Abs(value)), $"value of r {r}, p {p}");
                }
                else
                {
                    outside++;
                }
            }
        }

        Assert.Multiple(() =>
        {
            // Radii beyond the detector's half width must produce invalid samples, nearer ones valid ones.
            Assert.That(valid, Is.GreaterThan(Phi * 15));
            Assert.That(outside, Is.GreaterThan(Phi * 4));
        });
    }

    [TestCaseSource(nameof(s_centres))]
    public void Valid_MaskedPixels_InvalidateEverySampleTouchingThem(double centreRow, double centreCol)
    {
        float[] image = RandomImage(seed: 12);
        var masked = new bool[Size * Size];
        for (int row = 9; row <= 12; row++)
        {
            for (int col = 19; col <= 23; col++)
            {
                masked[(row * Size) + col] = true;
            }
        }

        masked[(20 * Size) + 8] = true;
        var map = new PolarSamplingMap(Size, Size, centreRow, centreCol, Radii, Phi, masked);
        var polar = new float[Radii * Phi];

        new PolarGatherScalar().Gather(image, map, polar);

        int invalidByMask = 0;
        for (int r = 0; r < Radii; r++)
        {
            for (int p = 0; p < Phi; p++)
            {
                int s = (r * Phi) + p;
                (double value, bool ok) = BruteForce(image, masked, centreRow, centreCol, r, p);
                (_, bool okWithoutMask) = BruteForce(image, null, centreRow, centreCol, r, p);
                Assert.That(map.Valid[s], Is.EqualTo(ok), $"validity of r {r}, p {p}");
                if (ok)
                {
                    Assert.That(polar[s], Is.EqualTo(value).Within(1e-5 * Math.Abs(value)), $"value of r {r}, p {p}");
                }
                else if (okWithoutMask)
                {
                    invalidByMask++;
                }
            }
        }

        Assert.That(invalidByMask, Is.GreaterThan(0), "the mask must invalidate some samples that lie inside the detector");
    }

    [Test]
    public void Gather_SampleExactlyOnPixel_ReturnsThatPixel()
    {
        float[] image = RandomImage(seed: 13);
        var map = new PolarSamplingMap(Size, Size, 16, 16, Radii, Phi, ReadOnlySpan<bool>.Empty);
        var polar = new float[Radii * Phi];

        new PolarGatherScalar().Gather(image, map, polar);

        Assert.Multiple(() =>
        {
            for (int p = 0; p < Phi; p++)
            {
                Assert.That(polar[p], Is.EqualTo(image[(16 * Size) + 16]), $"r 0, p {p}: the centre pixel");
            }

            // φ = 0: row 16 exactly, column 16 + r exactly.
            for (int r = 1; r <= 15; r++)
            {
                Assert.That(map.Valid[r * Phi], Is.True, $"r {r}, φ 0");
                Assert.That(polar[r * Phi], Is.EqualTo(image[(16 * Size) + 16 + r]), $"r {r}, φ 0");
            }

            // φ = π: column 16 − r·(1 + ~1e-16), row 16 − r·~1e-16: the pixel to rounding.
            for (int r = 1; r <= 16; r++)
            {
                Assert.That(polar[(r * Phi) + (Phi / 2)], Is.EqualTo(image[(16 * Size) + 16 - r]).Within(1e-5).Percent, $"r {r}, φ π");
            }
        });
    }

    [Test]
    public void Valid_SampleOnLastColumn_IsValidAndOneBeyondIsNot()
    {
        // φ = 0 from (16, 16): r = 15 lands exactly on column 31 (its right-hand neighbour has weight 0); r = 16 on column 32.
        var map = new PolarSamplingMap(Size, Size, 16, 16, Radii, Phi, ReadOnlySpan<bool>.Empty);

        Assert.Multiple(() =>
        {
            Assert.That(map.Valid[15 * Phi], Is.True);
            Assert.That(map.Valid[16 * Phi], Is.False);
        });
    }

    [Test]
    public void Valid_MaskedNeighbourWithZeroWeight_DoesNotInvalidateOnPixelSample()
    {
        // φ = 0, r = 5 from (16, 16) is exactly pixel (16, 21); (16, 22), (17, 21) and (17, 22) are corners of weight 0.
        var masked = new bool[Size * Size];
        masked[(16 * Size) + 22] = true;
        masked[(17 * Size) + 21] = true;
        masked[(17 * Size) + 22] = true;
        var touching = new bool[Size * Size];
        touching[(16 * Size) + 21] = true;

        var neighbours = new PolarSamplingMap(Size, Size, 16, 16, Radii, Phi, masked);
        var itself = new PolarSamplingMap(Size, Size, 16, 16, Radii, Phi, touching);

        Assert.Multiple(() =>
        {
            Assert.That(neighbours.Valid[5 * Phi], Is.True);
            Assert.That(itself.Valid[5 * Phi], Is.False);
        });
    }

    [Test]
    public void Map_ValidSamples_HaveFractionsInRangeAndTapsInsideTheImage()
    {
        var map = new PolarSamplingMap(Size, Size, 15.5, 17.25, Radii, Phi, ReadOnlySpan<bool>.Empty);

        for (int s = 0; s < Radii * Phi; s++)
        {
            if (map.Valid[s])
            {
                Assert.That(map.Fy[s], Is.InRange(0f, 1f), $"fy of sample {s}");
                Assert.That(map.Fx[s], Is.InRange(0f, 1f), $"fx of sample {s}");
                Assert.That(map.Base[s] + Size + 1, Is.LessThan(Size * Size), $"bottom-right tap of sample {s}");
                Assert.That(map.Base[s] % Size, Is.LessThan(Size - 1), $"right tap of sample {s} stays on its row");
            }
        }
    }

    [Test]
    public void Avx2_GatherAndRaise_AreBitIdenticalToScalar()
    {
        if (!PolarGatherAvx2.IsSupported)
        {
            Assert.Ignore("AVX2 is not available on this machine (or disabled by DOTNET_EnableAVX2=0).");
        }

        var rng = new Random(3);
        foreach ((int size, double cr, double cc) in new[] { (32, 16.0, 16.0), (31, 15.5, 17.25), (64, 30.0, 33.0) })
        {
            int radii = (size / 2) + 1;
            var masked = new bool[size * size];
            masked[(size / 2 * size) + (size / 2)] = true;
            var map = new PolarSamplingMap(size, size, cr, cc, radii, 37, masked);
            float[] image = Enumerable.Range(0, size * size).Select(_ => (float)rng.NextDouble()).ToArray();
            var a = new float[radii * 37];
            var b = new float[radii * 37];
            new PolarGatherScalar().Gather(image, map, a);
            new PolarGatherAvx2().Gather(image, map, b);
            Assert.That(b, Is.EqualTo(a).AsCollection, $"gather, {size}×{size}");

            float[] lo = Enumerable.Range(0, radii + 1).Select(r => r == radii ? -1e30f : (float)rng.NextDouble()).ToArray();
            float[] hi = Enumerable.Range(0, radii + 1).Select(r => r == radii ? -1e30f : (float)rng.NextDouble()).ToArray();
            float[] scalarImage = (float[])image.Clone();
            float[] vectorImage = (float[])image.Clone();
            int raisedScalar = new PolarGatherScalar().Raise(scalarImage, map, lo, hi, 5e-7f);
            int raisedVector = new PolarGatherAvx2().Raise(vectorImage, map, lo, hi, 5e-7f);
            Assert.That(raisedVector, Is.EqualTo(raisedScalar), $"raised count, {size}×{size}");
            Assert.That(raisedScalar, Is.GreaterThan(0), "the case raises something");
            Assert.That(vectorImage, Is.EqualTo(scalarImage).AsCollection, $"raise, {size}×{size}");
            Assert.That(vectorImage[(size / 2 * size) + (size / 2)], Is.EqualTo(image[(size / 2 * size) + (size / 2)]), "masked pixel untouched");
        }
    }

    [Test]
    public void Gather_ImageTooSmall_ThrowsArgumentException()
    {
        var map = new PolarSamplingMap(Size, Size, 16, 16, Radii, Phi, ReadOnlySpan<bool>.Empty);

        Assert.That(() => new PolarGatherScalar().Gather(new float[(Size * Size) - 1], map, new float[Radii * Phi]), Throws.ArgumentException);
    }

    /// <summary>Bilinear interpolation at the polar sample, and whether every corner with a non-negligible weight is an
    /// unmasked detector pixel.</summary>
    private static (double Value, bool Valid) BruteForce(float[] image, bool[]? masked, double centreRow, double centreCol, int r, int p)
    {
        double phi = 2 * Math.PI * p / Phi;
        double row = centreRow - (r * Math.Sin(phi));
        double col = centreCol + (r * Math.Cos(phi));
        int row0 = (int)Math.Floor(row);
        int col0 = (int)Math.Floor(col);
        double fr = row - row0;
        double fc = col - col0;
        (int Row, int Col, double Weight)[] corners =
        [
            (row0, col0, (1 - fr) * (1 - fc)),
            (row0, col0 + 1, (1 - fr) * fc),
            (row0 + 1, col0, fr * (1 - fc)),
            (row0 + 1, col0 + 1, fr * fc),
        ];
        double value = 0;
        bool valid = true;
        foreach ((int cr, int cc, double w) in corners)
        {
            if (w <= NegligibleWeight)
            {
                continue;
            }

            if (cr < 0 || cr >= Size || cc < 0 || cc >= Size || (masked is not null && masked[(cr * Size) + cc]))
            {
                valid = false;
                continue;
            }

            value += w * image[(cr * Size) + cc];
        }

        return (value, valid);
    }

    private static float[] RandomImage(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Size * Size).Select(_ => (float)(1 + (99 * random.NextDouble()))).ToArray();
    }
}
