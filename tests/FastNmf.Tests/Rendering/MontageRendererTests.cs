using FastNmf.Cli.Rendering;
using NUnit.Framework;
using SkiaSharp;

namespace FastNmf.Tests.Rendering;

[TestFixture]
public sealed class MontageRendererTests
{
    private const int DiffractionSize = 128;
    private const int MapSize = 36;
    private const int Count = 4;

    // Isolated, much brighter than anything else, so it is above the 99.5th percentile limit.
    private const int SpotTile = 2;
    private const int SpotRow = 20;
    private const int SpotCol = 100;

    private const int HotMapTile = 1;
    private const int HotRow = 5;
    private const int HotCol = 30;

    private string _directory = string.Empty;

    [OneTimeSetUp]
    public void CreateOutputDirectory()
    {
        _directory = Path.Combine(TestContext.CurrentContext.WorkDirectory, "montage-output");
        Directory.CreateDirectory(_directory);
    }

    [Test]
    public void DiffractionMontage_HasLayoutSize_IsNotBlank_AndShowsSpotWhereItIs()
    {
        float[] images = Diffractions();
        var options = new MontageOptions("w", IntensityScale.Log, SharedScale: false, "NMF diffractions (k = 4)");
        string path = Path.Combine(_directory, "diffractions.png");

        MontageRenderer.WritePng(path, images, Count, DiffractionSize, DiffractionSize, options);

        using SKBitmap png = Decode(path);
        MontageLayout layout = MontageLayout.Compute(Count, DiffractionSize, DiffractionSize, options);
        Assert.Multiple(() =>
        {
            Assert.That(png.Width, Is.EqualTo(layout.Width));
            Assert.That(png.Height, Is.EqualTo(layout.Height));

            // 128 px at TilePixels 160 is shown 1:1; all four tiles sit in one row.
            Assert.That(layout.DisplayWidth, Is.EqualTo(DiffractionSize));
            Assert.That(png.Width, Is.GreaterThanOrEqualTo(Count * DiffractionSize));
            Assert.That(File.Exists(path + ".tmp"), Is.False);
            Assert.That(DistinctColours(png), Is.GreaterThan(200));
        });

        SKRectI rect = layout.ImageRect(SpotTile);
        SKColor spot = png.GetPixel(rect.Left + SpotCol, rect.Top + SpotRow);
        SKColor background = png.GetPixel(rect.Left + 2, rect.Top + 2);
        Assert.Multiple(() =>
        {
            Assert.That(Luma(spot), Is.GreaterThan(180), $"spot pixel {spot}");
            Assert.That(Luma(spot), Is.GreaterThan(Luma(background) + 60), $"spot {spot} vs corner {background}");
        });
    }

    [Test]
    public void MapMontage_UpscalesCrisply_AndShowsHotPixelWhereItIs()
    {
        float[] images = Maps();
        var captions = new[] { "‖h‖₂ = 1.2e5", "‖h‖₂ = 3.4e4", "‖h‖₂ = 9.9e3", "‖h‖₂ = 1.0e2" };
        var options = new MontageOptions("h", IntensityScale.Linear, SharedScale: false, "NMF maps (k = 4)", Captions: captions);
        string path = Path.Combine(_directory, "maps.png");

        MontageRenderer.WritePng(path, images, Count, MapSize, MapSize, options);

        using SKBitmap png = Decode(path);
        MontageLayout layout = MontageLayout.Compute(Count, MapSize, MapSize, options);
        int factor = layout.DisplayWidth / MapSize;
        SKRectI rect = layout.ImageRect(HotMapTile);
        int x = rect.Left + HotCol * factor;
        int y = rect.Top + HotRow * factor;
        Assert.Multiple(() =>
        {
            Assert.That(png.Width, Is.EqualTo(layout.Width));
            Assert.That(png.Height, Is.EqualTo(layout.Height));
            Assert.That(factor, Is.EqualTo(4), "36 px at TilePixels 160 is enlarged by an integer factor");
            Assert.That(layout.DisplayWidth, Is.EqualTo(MapSize * factor));
            Assert.That(DistinctColours(png), Is.GreaterThan(100));
            Assert.That(Luma(png.GetPixel(x + factor / 2, y + factor / 2)), Is.GreaterThan(180));

            // Nearest-neighbour: the whole block of the hot pixel has one colour, its neighbour another.
            Assert.That(png.GetPixel(x, y), Is.EqualTo(png.GetPixel(x + factor - 1, y + factor - 1)));
            Assert.That(png.GetPixel(x - 1, y), Is.Not.EqualTo(png.GetPixel(x, y)));
        });
    }

    [Test]
    public void SharedScale_Sqrt_Grayscale_Renders()
    {
        var options = new MontageOptions("w", IntensityScale.Sqrt, SharedScale: true, "shared", Colormap: false);
        string path = Path.Combine(_directory, "shared.png");

        MontageRenderer.WritePng(path, Diffractions(), Count, DiffractionSize, DiffractionSize, options);

        using SKBitmap png = Decode(path);
        MontageLayout layout = MontageLayout.Compute(Count, DiffractionSize, DiffractionSize, options);
        Assert.Multiple(() =>
        {
            Assert.That(png.Width, Is.EqualTo(layout.Width));
            Assert.That(png.Height, Is.EqualTo(layout.Height));
            Assert.That(layout.SharedBarRect.IsEmpty, Is.False);
            Assert.That(layout.SharedBarRect.Bottom, Is.LessThan(layout.Height));
        });
    }

    [Test]
    public void LargeImages_AreDownscaledToAboutTilePixels_AndManyTilesWrap()
    {
        const int size = 300;
        const int count = 8;
        var images = new float[count * size * size];
        for (int i = 0; i < images.Length; i++)
        {
            images[i] = i % 977;
        }

        var options = new MontageOptions("w", IntensityScale.Linear, SharedScale: false, "large");
        string path = Path.Combine(_directory, "large.png");

        MontageRenderer.WritePng(path, images, count, size, size, options);

        using SKBitmap png = Decode(path);
        MontageLayout layout = MontageLayout.Compute(count, size, size, options);
        Assert.Multiple(() =>
        {
            Assert.That(layout.DisplayWidth, Is.EqualTo(160));
            Assert.That(layout.TilesPerRow, Is.EqualTo(MontageLayout.MaxTilesPerRow));
            Assert.That(layout.ImageRect(6).Top, Is.GreaterThan(layout.ImageRect(0).Bottom));
            Assert.That(png.Height, Is.EqualTo(layout.Height));
        });
    }

    [Test]
    public void NonFiniteValues_DoNotThrow_AndDrawAsLowColour()
    {
        float[] images = Maps();
        images[0] = float.NaN;
        images[1] = float.PositiveInfinity;
        images[2] = float.NegativeInfinity;
        Array.Fill(images, float.NaN, MapSize * MapSize, MapSize * MapSize); // a fully NaN tile
        var options = new MontageOptions("h", IntensityScale.Log, SharedScale: false, "nan");
        string path = Path.Combine(_directory, "nan.png");

        Assert.That(() => MontageRenderer.WritePng(path, images, Count, MapSize, MapSize, options), Throws.Nothing);

        using SKBitmap png = Decode(path);
        MontageLayout layout = MontageLayout.Compute(Count, MapSize, MapSize, options);
        SKRectI rect = layout.ImageRect(0);
        int factor = layout.DisplayWidth / MapSize;
        SKColor low = Colormap.Map(0f);
        Assert.Multiple(() =>
        {
            Assert.That(png.GetPixel(rect.Left, rect.Top), Is.EqualTo(low));
            Assert.That(png.GetPixel(rect.Left + factor, rect.Top), Is.EqualTo(low), "+Inf");
            Assert.That(png.GetPixel(rect.Left + 2 * factor, rect.Top), Is.EqualTo(low), "-Inf");
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public void ConstantImages_DoNotThrow(bool shared)
    {
        var images = new float[2 * 16 * 16];
        Array.Fill(images, 3.5f);
        var options = new MontageOptions("h", IntensityScale.Log, shared, "constant");
        string path = Path.Combine(_directory, $"constant-{shared}.png");

        Assert.That(() => MontageRenderer.WritePng(path, images, 2, 16, 16, options), Throws.Nothing);
        Assert.That(File.Exists(path), Is.True);
    }

    [Test]
    public void ExistingFile_IsOverwritten()
    {
        string path = Path.Combine(_directory, "overwrite.png");
        File.WriteAllText(path, "not a png");

        MontageRenderer.WritePng(path, new float[] { 1, 2, 3, 4 }, 1, 2, 2, new MontageOptions("h", IntensityScale.Linear, false, "t"));

        using SKBitmap png = Decode(path);
        Assert.That(png.Width, Is.GreaterThan(0));
    }

    [TestCase(0, 4, 4, 0, "count")]
    [TestCase(-1, 4, 4, 0, "count")]
    [TestCase(1, 0, 4, 0, "rows")]
    [TestCase(1, 4, 0, 0, "cols")]
    [TestCase(2, 4, 4, 31, "images")]
    [TestCase(1, 4, 4, 17, "images")]
    public void InvalidArguments_ThrowArgumentExceptionNamingTheParameter(int count, int rows, int cols, int length, string parameter)
    {
        var images = new float[length];
        var options = new MontageOptions("h", IntensityScale.Linear, false, "t");
        string path = Path.Combine(_directory, "invalid.png");

        Assert.That(
            () => MontageRenderer.WritePng(path, images, count, rows, cols, options),
            Throws.InstanceOf<ArgumentException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo(parameter));
    }

    [Test]
    public void CaptionCountMismatch_Throws()
    {
        var options = new MontageOptions("h", IntensityScale.Linear, false, "t", Captions: ["only one"]);

        Assert.That(
            () => MontageRenderer.WritePng(Path.Combine(_directory, "captions.png"), new float[2 * 4], 2, 2, 2, options),
            Throws.InstanceOf<ArgumentException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("options"));
    }

    [TestCase(0.0, "0")]
    [TestCase(1.234e-4, "1.23e-4")]
    [TestCase(0.012345, "0.0123")]
    [TestCase(12.345, "12.3")]
    [TestCase(999.6, "1.00e3")]
    [TestCase(123456.0, "1.23e5")]
    [TestCase(-0.5, "-0.500")]
    public void FormatNumber_UsesThreeSignificantDigits(double value, string expected)
    {
        Assert.That(MontageRenderer.FormatNumber(value), Is.EqualTo(expected));
    }

    private static SKBitmap Decode(string path)
    {
        SKBitmap? png = SKBitmap.Decode(path);
        Assert.That(png, Is.Not.Null, $"{path} is not a decodable image");
        return png!;
    }

    private static int DistinctColours(SKBitmap bitmap)
    {
        var colours = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                colours.Add((uint)bitmap.GetPixel(x, y));
            }
        }

        return colours.Count;
    }

    private static double Luma(SKColor c) => 0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue;

    /// <summary>Central beam, a diffuse amorphous ring and a rotated square Bragg lattice per component.</summary>
    private static float[] Diffractions()
    {
        const int n = DiffractionSize;
        var images = new float[Count * n * n];
        for (int k = 0; k < Count; k++)
        {
            double ringRadius = 30 + 8 * k;
            double angle = 0.35 * k;
            double spacing = 18 + 3 * k;
            Span<float> image = images.AsSpan(k * n * n, n * n);
            for (int r = 0; r < n; r++)
            {
                for (int c = 0; c < n; c++)
                {
                    double dy = r - n / 2.0;
                    double dx = c - n / 2.0;
                    double radius = Math.Sqrt(dx * dx + dy * dy);
                    double value = 0.5
                        + 5e4 * Math.Exp(-radius * radius / (2 * 2.5 * 2.5))
                        + 20 * Math.Exp(-(radius - ringRadius) * (radius - ringRadius) / (2 * 3.0 * 3.0))
                        + 200 * Math.Exp(-radius / 15);

                    // Bragg spots: nearest lattice point of a rotated square lattice, Gaussian falloff,
                    // weaker at high angle as in real patterns.
                    double u = (Math.Cos(angle) * dx + Math.Sin(angle) * dy) / spacing;
                    double v = (-Math.Sin(angle) * dx + Math.Cos(angle) * dy) / spacing;
                    double du = (u - Math.Round(u)) * spacing;
                    double dv = (v - Math.Round(v)) * spacing;
                    if (Math.Round(u) != 0 || Math.Round(v) != 0)
                    {
                        value += 2e3 * Math.Exp(-radius / 40) * Math.Exp(-(du * du + dv * dv) / (2 * 1.3 * 1.3));
                    }

                    image[r * n + c] = (float)value;
                }
            }
        }

        images[SpotTile * n * n + SpotRow * n + SpotCol] = 1e6f;
        return images;
    }

    /// <summary>Smooth blobs (grains) on a weak background, one hot pixel in <see cref="HotMapTile"/>.</summary>
    private static float[] Maps()
    {
        const int n = MapSize;
        var images = new float[Count * n * n];
        for (int k = 0; k < Count; k++)
        {
            double cx = 8 + 6 * k;
            double cy = 28 - 5 * k;
            for (int r = 0; r < n; r++)
            {
                for (int c = 0; c < n; c++)
                {
                    double d2 = (r - cy) * (r - cy) + (c - cx) * (c - cx);
                    images[k * n * n + r * n + c] = (float)(0.05 + Math.Exp(-d2 / (2 * 6.0 * 6.0)) + 0.3 * Math.Sin(c * 0.4 + k) * Math.Sin(r * 0.3));
                }
            }
        }

        for (int i = 0; i < images.Length; i++)
        {
            images[i] = Math.Max(0f, images[i]);
        }

        images[HotMapTile * n * n + HotRow * n + HotCol] = 50f;
        return images;
    }
}
