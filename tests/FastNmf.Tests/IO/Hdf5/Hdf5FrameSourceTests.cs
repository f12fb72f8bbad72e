using FastNmf.Hdf5;
using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO.Hdf5;

[TestFixture]
public sealed class Hdf5FrameSourceTests
{
    private static IEnumerable<TestCaseData> FoundByThemselves()
    {
        yield return new TestCaseData("contiguous", "/data", "only 4-D dataset");
        yield return new TestCaseData("userblock", "/data", "only 4-D dataset");
        yield return new TestCaseData("chunked_deflate", "/entry/frames", "only 4-D dataset");
        yield return new TestCaseData("emd", "/experiment/science_data/data", "EMD 1.0");
        yield return new TestCaseData("py4dstem_legacy", "/4DSTEM_experiment/data/datacubes/datacube_0/data", "py4DSTEM (legacy)");
        yield return new TestCaseData("py4dstem", "/root/datacube/data", "py4DSTEM");
        yield return new TestCaseData("bslz4", "/entry/data/data", "only 4-D dataset");
    }

    [TestCaseSource(nameof(FoundByThemselves))]
    public void Open_WithoutPath_FindsTheDataSetAndReadsItExactly(string sample, string dataset, string foundAs)
    {
        NpyArray expected = Hdf5Samples.Expected(sample);
        using Hdf5FrameSource source = Hdf5FrameSource.Open(Hdf5Samples.File(sample));

        Assert.Multiple(() =>
        {
            Assert.That(source.DatasetPath, Is.EqualTo(dataset));
            Assert.That(source.Metadata["hdf5_found_as"], Is.EqualTo(foundAs));
            Assert.That(source.Format, Is.EqualTo("hdf5"));
            Assert.That(source.Shape, Is.EqualTo(expected.Shape));
        });
        Assert.That(ReadAll(source, block: (int)source.FrameCount), Is.EqualTo(expected.Data));
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(5)]
    [TestCase(7)]
    public void ReadFrames_BlocksCuttingScanRowsAndChunks_MatchTheWholeRead(int block)
    {
        NpyArray expected = Hdf5Samples.Expected("chunked_deflate");
        using Hdf5FrameSource source = Hdf5FrameSource.Open(Hdf5Samples.File("chunked_deflate"));

        Assert.That(ReadAll(source, block), Is.EqualTo(expected.Data));
    }

    private static IEnumerable<TestCaseData> Dtypes()
    {
        foreach (string order in new[] { "le", "be" })
        {
            foreach (string kind in new[] { "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8" })
            {
                yield return new TestCaseData($"/dtypes/{order}_{kind}", kind.StartsWith('i') ? "dtypes_signed" : "dtypes");
            }
        }
    }

    [TestCaseSource(nameof(Dtypes))]
    public void Open_EveryWidthInEitherByteOrder_ReadsExactly(string dataset, string expectedName)
    {
        NpyArray expected = Hdf5Samples.Expected(expectedName);
        using Hdf5FrameSource source = Hdf5FrameSource.Open(Hdf5Samples.File("dtypes"), dataset);

        Assert.That(source.Metadata["byte_order"], Is.EqualTo(dataset.Contains("1") ? "n/a" : dataset.Contains("/be_") ? "big-endian" : "little-endian"));
        Assert.That(ReadAll(source, block: 4), Is.EqualTo(expected.Data));
    }

    [Test]
    public void Open_StackWithScanShape_ReadsFramesInScanOrder()
    {
        NpyArray expected = Hdf5Samples.Expected("stack");
        using Hdf5FrameSource source = Hdf5FrameSource.Open(Hdf5Samples.File("stack"), scanShape: new ScanShape(3, 4));

        Assert.That(source.Shape, Is.EqualTo(new long[] { 3, 4, 5, 6 }));
        Assert.That(ReadAll(source, block: 5), Is.EqualTo(expected.Data));
    }

    [Test]
    public void Open_StackWithoutScanShape_AsksForIt()
    {
        string path = Hdf5Samples.File("stack");
        var e = Assert.Throws<DataFormatException>(() => Hdf5FrameSource.Open(path));
        Assert.That(e!.Message, Does.StartWith(path).And.Contain("--scan-shape").And.Contain("(12, 5, 6)"));
    }

    [Test]
    public void Open_ScanShapeWithTheWrongFrameCount_NamesBothCounts()
    {
        string path = Hdf5Samples.File("stack");
        var e = Assert.Throws<DataFormatException>(() => Hdf5FrameSource.Open(path, scanShape: new ScanShape(5, 5)));
        Assert.That(e!.Message, Does.Contain("5x5").And.Contain("25 frames").And.Contain("holds 12"));
    }

    [Test]
    public void Open_FourDWithScanShape_RegridsKeepingFrameOrder()
    {
        NpyArray expected = Hdf5Samples.Expected("contiguous");
        using Hdf5FrameSource source = Hdf5FrameSource.Open(Hdf5Samples.File("contiguous"), scanShape: new ScanShape(2, 6));

        Assert.That(source.Shape, Is.EqualTo(new long[] { 2, 6, 5, 6 }));
        Assert.That(ReadAll(source, block: 5), Is.EqualTo(expected.Data));
    }

    [TestCase("/entry/data/data", "bslz4_plugin", "uint16")]
    [TestCase("/entry/data/odd", "bslz4_plugin_odd", "uint32")]
    public void Open_ChunksWrittenByTheReferenceBitshufflePlugin_ReadExactly(string dataset, string expectedName, string dtype)
    {
        // "odd": blocks of 16 elements over 189-element chunks, so a short last block and 5 leftover elements.
        NpyArray expected = Hdf5Samples.Expected(expectedName);
        using Hdf5FrameSource source = Hdf5FrameSource.Open(Hdf5Samples.File("bslz4_plugin"), dataset);

        Assert.That(source.SourceDtype, Is.EqualTo(dtype));
        Assert.That(ReadAll(source, block: 2), Is.EqualTo(expected.Data));
    }

    [Test]
    public void Open_EmdGroupPath_ReadsItsData()
    {
        using Hdf5FrameSource source = Hdf5FrameSource.Open(Hdf5Samples.File("emd"), "experiment/science_data");

        Assert.That(source.DatasetPath, Is.EqualTo("/experiment/science_data/data"));
        Assert.That(ReadAll(source, block: 6), Is.EqualTo(Hdf5Samples.Expected("emd").Data));
    }

    [Test]
    public void Open_PathThatDoesNotExist_NamesItAndListsTheParent()
    {
        string path = Hdf5Samples.File("chunked_deflate");
        var e = Assert.Throws<DataFormatException>(() => Hdf5FrameSource.Open(path, "/entry/nope"));
        Assert.That(e!.Message, Does.StartWith(path).And.Contain("'/entry/nope'").And.Contain("'/entry' holds frames"));
    }

    [Test]
    public void Open_PathThroughAMissingGroup_ListsTheDeepestGroupThatExists()
    {
        string path = Hdf5Samples.File("emd");
        var e = Assert.Throws<DataFormatException>(() => Hdf5FrameSource.Open(path, "/experiment/missing/data"));
        Assert.That(e!.Message, Does.Contain("'/experiment' holds science_data/"));
    }

    [Test]
    public void Open_TwoUnrelatedFourDDatasets_RefusesToGuessAndListsThem()
    {
        string path = Hdf5Samples.File("ambiguous");
        var e = Assert.Throws<DataFormatException>(() => Hdf5FrameSource.Open(path));
        Assert.That(e!.Message, Does.Contain("/first (2, 2, 3, 3)").And.Contain("/second (2, 2, 3, 3)").And.Contain("FILE:/path"));
    }

    [Test]
    public void Open_DatasetThatIsNotFourD_SaysWhatItIs()
    {
        string path = Hdf5Samples.File("contiguous");
        var e = Assert.Throws<DataFormatException>(() => Hdf5FrameSource.Open(path, "/scan_image"));
        Assert.That(e!.Message, Does.Contain("/scan_image (3, 4)").And.Contain("not 4-D"));
    }

    [Test]
    public void Open_NotAnHdf5File_ReportsTheSignatureAtByteZero()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.h5", NpyBytes.Npy(NpyBytes.Dict("<f4", "(1, 1, 1, 1)", false), new byte[4]));
        var e = Assert.Throws<DataFormatException>(() => Hdf5FrameSource.Open(path));
        Assert.That(e!.Offset, Is.Zero);
        Assert.That(e.Message, Does.StartWith(path).And.Contain("not an HDF5 file"));
    }

    [Test]
    public void Open_MissingFile_IsAFormatErrorNamingIt()
    {
        var e = Assert.Throws<DataFormatException>(() => Hdf5FrameSource.Open("/nonexistent/x.h5"));
        Assert.That(e!.Message, Does.StartWith("/nonexistent/x.h5").And.Contain("not found"));
    }

    [TestCase(0, true)]
    [TestCase(512, true)]
    [TestCase(1024, true)]
    [TestCase(2048, true)]
    [TestCase(100, false)]
    [TestCase(768, false)]
    public void Sniff_SignatureAtAUserBlockBoundary_IsRecognised(int at, bool expected)
    {
        byte[] head = new byte[4096];
        new byte[] { 0x89, (byte)'H', (byte)'D', (byte)'F', 13, 10, 26, 10 }.CopyTo(head, at);
        Assert.That(Hdf5FrameSource.Sniff(head, "x"), Is.EqualTo(expected));
    }

    internal static float[] ReadAll(FrameSource source, int block)
    {
        var all = new float[source.FrameCount * source.FrameLength];
        for (long f = 0; f < source.FrameCount; f += block)
        {
            int n = (int)Math.Min(block, source.FrameCount - f);
            source.ReadFrames(f, n, all.AsSpan((int)(f * source.FrameLength), n * source.FrameLength));
        }

        return all;
    }
}
