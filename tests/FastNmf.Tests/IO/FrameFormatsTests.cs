using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO;

[TestFixture]
public sealed class FrameFormatsTests
{
    private static readonly double[] s_values = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(i => (double)((i * 7) % 23)).ToArray();

    [Test]
    public void All_NamesAreUniqueLowerCaseWithExtensions()
    {
        string[] names = FrameFormats.Names.ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(names, Is.Unique);
            Assert.That(names, Is.All.Matches<string>(n => n == n.ToLowerInvariant()));
            Assert.That(FrameFormats.All.Select(f => f.Extensions.Count), Is.All.GreaterThan(0));
            Assert.That(names, Is.SupersetOf(new[] { "npy", "npz" }));
        });
    }

    [Test]
    public void Open_NpyUnderAnotherExtension_DetectsByContent()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("data.bin", Npy4D());
        (float[] values, long[] shape, string format) = FrameReading.OpenAndReadAll(path);
        Assert.Multiple(() =>
        {
            Assert.That(format, Is.EqualTo("npy"));
            Assert.That(shape, Is.EqualTo(new long[] { 2, 3, 4, 5 }));
            Assert.That(values, Is.EqualTo(s_values.Select(v => (float)v)));
        });
    }

    [Test]
    public void Open_UnknownContentAndExtension_ThrowsListingTheFormats()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("mystery.dat", [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>()
            .With.Message.StartsWith(path).And.Message.Contains("npy, npz").And.Message.Contains("--format").And.Message.Contains("0102030405060708"));
    }

    [Test]
    public void Open_KnownExtensionWrongMagic_ReportsTheFormatsOwnError()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("bad.npy", new byte[64]);
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>().With.Message.Contains("magic"));
    }

    [Test]
    public void Open_MissingFile_ThrowsFileNotFound()
    {
        Assert.That(() => FrameFormats.Open("/nonexistent/dir/x.npy"), Throws.TypeOf<DataFormatException>().With.Message.Contains("not found"));
    }

    [Test]
    public void Open_FormatOverride_UsesThatReader()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("data.npy", Npy4D());
        Assert.Multiple(() =>
        {
            Assert.That(() => FrameFormats.Open(path, new FrameSourceOptions { Format = "npz" }),
                Throws.TypeOf<DataFormatException>().With.Message.Contains("zip"));
            Assert.That(() => FrameFormats.Open(path, new FrameSourceOptions { Format = "tiff" }),
                Throws.ArgumentException.With.Message.Contains("unknown format 'tiff'"));
        });
    }

    [Test]
    public void Open_ScanShapeWithSameFrameCount_RegridsKeepingFrameOrder()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("data.npy", Npy4D());
        (float[] values, long[] shape, _) = FrameReading.OpenAndReadAll(path, new FrameSourceOptions { ScanShape = new ScanShape(1, 6) });
        Assert.Multiple(() =>
        {
            Assert.That(shape, Is.EqualTo(new long[] { 1, 6, 4, 5 }));
            Assert.That(values, Is.EqualTo(s_values.Select(v => (float)v)));
        });
    }

    [Test]
    public void Open_ScanShapeWithOtherFrameCount_ThrowsNamingBothCounts()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("data.npy", Npy4D());
        Assert.That(() => FrameFormats.Open(path, new FrameSourceOptions { ScanShape = new ScanShape(2, 2) }),
            Throws.TypeOf<DataFormatException>().With.Message.Contains("--scan-shape 2x2 needs 4 frames").And.Message.Contains("holds 6 frames (2x3)"));
    }

    [Test]
    public void Open_ThreeDimensionalNpyWithScanShape_ReadsTheFrames()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("stack.npy", NpyBytes.Npy(NpyBytes.Dict("<u2", "(6, 4, 5)"), NpyBytes.Encode("<u2", s_values)));
        (float[] values, long[] shape, _) = FrameReading.OpenAndReadAll(path, new FrameSourceOptions { ScanShape = ScanShape.Parse("3x2") });
        Assert.Multiple(() =>
        {
            Assert.That(shape, Is.EqualTo(new long[] { 3, 2, 4, 5 }));
            Assert.That(values, Is.EqualTo(s_values.Select(v => (float)v)));
        });
    }

    [Test]
    public void Open_ThreeDimensionalFortranNpy_GathersFramesFromTheMap()
    {
        using var dir = new TempDirectory();
        // Fortran order: element (f, r, c) at f + 6·(r + 4·c).
        var fortran = new double[s_values.Length];
        for (int f = 0; f < 6; f++)
        {
            for (int r = 0; r < 4; r++)
            {
                for (int c = 0; c < 5; c++)
                {
                    fortran[f + (6 * (r + (4 * c)))] = s_values[(f * 20) + (r * 5) + c];
                }
            }
        }

        string path = dir.Write("stack.npy", NpyBytes.Npy(NpyBytes.Dict("<f8", "(6, 4, 5)", fortran: true), NpyBytes.Encode("<f8", fortran)));
        (float[] values, _, _) = FrameReading.OpenAndReadAll(path, new FrameSourceOptions { ScanShape = new ScanShape(2, 3) });
        Assert.That(values, Is.EqualTo(s_values.Select(v => (float)v)));
    }

    [Test]
    public void Open_ThreeDimensionalWithoutScanShape_AsksForItAndSuggestsASquare()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("stack.npy", NpyBytes.Npy(NpyBytes.Dict("|u1", "(4, 2, 2)"), new byte[16]));
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>()
            .With.Message.StartsWith(path).And.Message.Contains("--scan-shape ROWSxCOLS").And.Message.Contains("--scan-shape 2x2"));
    }

    [Test]
    public void Open_TwoDimensionalNpy_ThrowsNamingTheDimensions()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("image.npy", NpyBytes.Npy(NpyBytes.Dict("|u1", "(4, 4)"), new byte[16]));
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>().With.Message.Contains("2 dimension(s)").And.Message.Contains("expected 4"));
    }

    [TestCase("36x36", 36, 36)]
    [TestCase("12X5", 12, 5)]
    [TestCase(" 7 × 9 ", 7, 9)]
    [TestCase("3,4", 3, 4)]
    public void ScanShapeParse_Valid_GivesRowsAndCols(string text, int rows, int cols) =>
        Assert.That(ScanShape.Parse(text), Is.EqualTo(new ScanShape(rows, cols)));

    [TestCase("36")]
    [TestCase("0x5")]
    [TestCase("-3x4")]
    [TestCase("3x4x5")]
    [TestCase("axb")]
    public void ScanShapeParse_Invalid_ThrowsFormatException(string text) =>
        Assert.That(() => ScanShape.Parse(text), Throws.TypeOf<FormatException>().With.Message.Contains("ROWSxCOLS"));

    [Test]
    public void SplitMember_ExistingFileWithColonSuffix_SplitsAtTheLastColon()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("a.npz", [1]);
        Assert.Multiple(() =>
        {
            Assert.That(FrameFormats.SplitMember(path + ":data"), Is.EqualTo((path, (string?)"data")));
            Assert.That(FrameFormats.SplitMember(path + ":/entry/data:x"), Is.EqualTo((path, (string?)"/entry/data:x")));
            Assert.That(FrameFormats.SplitMember(path), Is.EqualTo((path, (string?)null)));
            Assert.That(FrameFormats.SplitMember("/no/such:thing"), Is.EqualTo(("/no/such:thing", (string?)null)));
        });
    }

    private static byte[] Npy4D() => NpyBytes.Npy(NpyBytes.Dict("<f4", "(2, 3, 4, 5)"), NpyBytes.Encode("<f4", s_values));
}
