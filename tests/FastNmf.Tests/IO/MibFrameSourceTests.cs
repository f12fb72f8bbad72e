using System.Text;
using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;
using static FastNmf.Tests.TestSupport.MibBytes;

namespace FastNmf.Tests.IO;

[TestFixture]
public sealed class MibFrameSourceTests
{
    private static IEnumerable<TestCaseData> Layouts()
    {
        yield return new TestCaseData(new Layout("U08", 6, 12, 8)).SetArgDisplayNames("U08 6-bit");
        yield return new TestCaseData(new Layout("U08", 1, 12, 8)).SetArgDisplayNames("U08 1-bit");
        yield return new TestCaseData(new Layout("U16", 12, 12, 8)).SetArgDisplayNames("U16");
        yield return new TestCaseData(new Layout("U32", 24, 12, 8)).SetArgDisplayNames("U32");
        yield return new TestCaseData(new Layout("U16", 12, 10, 6, Quad: true)).SetArgDisplayNames("U16 quad header");
        yield return new TestCaseData(new Layout("R64", 1, 16, 8)).SetArgDisplayNames("RAW 1-bit");
        yield return new TestCaseData(new Layout("R64", 6, 16, 8)).SetArgDisplayNames("RAW 6-bit");
        yield return new TestCaseData(new Layout("R64", 12, 16, 8)).SetArgDisplayNames("RAW 12-bit");
        yield return new TestCaseData(new Layout("R64", 12, 16, 8, ExtendedHeader: false)).SetArgDisplayNames("RAW 12-bit, no MQ1A");
        yield return new TestCaseData(new Layout("R64", 1, 512, 512, Quad: true)).SetArgDisplayNames("RAW 1-bit quad");
        yield return new TestCaseData(new Layout("R64", 6, 512, 512, Quad: true)).SetArgDisplayNames("RAW 6-bit quad");
        yield return new TestCaseData(new Layout("R64", 12, 512, 512, Quad: true)).SetArgDisplayNames("RAW 12-bit quad");
        yield return new TestCaseData(new Layout("R64", 1, 512, 512, Quad: true, DeclaredWidth: 512, DeclaredHeight: 512)).SetArgDisplayNames("RAW 1-bit quad declared 512x512");
    }

    [TestCaseSource(nameof(Layouts))]
    public void Open_SampleOfEveryPixelType_ReadsItBackExactly(Layout layout)
    {
        using var dir = new TempDirectory();
        List<int[]> frames = RandomFrames(6, layout.Width * layout.Height, layout.Depth, seed: layout.Depth + layout.Width);
        string path = dir.Write("scan.mib", MibBytes.File(layout, frames, firstSequence: 1));
        (float[] values, long[] shape, string format) = FrameReading.OpenAndReadAll(path, new FrameSourceOptions { ScanShape = new ScanShape(2, 3) });
        Assert.Multiple(() =>
        {
            Assert.That(format, Is.EqualTo("mib"));
            Assert.That(shape, Is.EqualTo(new long[] { 2, 3, layout.Height, layout.Width }));
            Assert.That(values, Is.EqualTo(frames.SelectMany(f => f).Select(v => (float)v)));
        });
    }

    [Test]
    public void Open_QuadRawQuadrants_LandWhereTheReadoutSays()
    {
        // One frame whose 12-bit value encodes its own position — the quadrant in the top 2 bits, the row and column
        // within a 32-pixel tile below — so a swapped quadrant, a missing flip or a shifted chip shows as a wrong pixel.
        using var dir = new TempDirectory();
        var layout = new Layout("R64", 12, 512, 512, Quad: true);
        static int Code(int row, int col) => (((row / 256 * 2) + (col / 256)) << 10) | (row % 32 << 5) | (col % 32);
        int[] image = Enumerable.Range(0, 512 * 512).Select(i => Code(i / 512, i % 512)).ToArray();
        string path = dir.Write("quad.mib", MibBytes.File(layout, [image]));
        (float[] values, _, _) = FrameReading.OpenAndReadAll(path, new FrameSourceOptions { ScanShape = new ScanShape(1, 1) });
        Assert.Multiple(() =>
        {
            Assert.That(values[(10 * 512) + 20], Is.EqualTo(Code(10, 20)), "top-left");
            Assert.That(values[(10 * 512) + 300], Is.EqualTo(Code(10, 300)), "top-right");
            Assert.That(values[(300 * 512) + 20], Is.EqualTo(Code(300, 20)), "bottom-left");
            Assert.That(values[(300 * 512) + 400], Is.EqualTo(Code(300, 400)), "bottom-right");
            Assert.That(values.Select(v => (int)v / 1024).Distinct().Order(), Is.EqualTo(new[] { 0, 1, 2, 3 }), "four distinct quadrants");
            Assert.That(values, Is.EqualTo(image.Select(v => (float)v)));
        });
    }

    [Test]
    public void Open_HdrNextToTheFile_GivesTheScanShape()
    {
        using var dir = new TempDirectory();
        var layout = new Layout("U16", 12, 4, 4);
        List<int[]> frames = RandomFrames(12, 16, 12, seed: 3);
        string path = dir.Write("scan.mib", MibBytes.File(layout, frames));
        dir.Write("scan.hdr", Hdr(frames: 12, perTrigger: 4));
        using FrameSource source = FrameFormats.Open(path);
        Assert.Multiple(() =>
        {
            Assert.That(source.Shape, Is.EqualTo(new long[] { 3, 4, 4, 4 }));
            Assert.That(source.Metadata["hdr"], Does.EndWith("scan.hdr"));
        });
    }

    [Test]
    public void Open_BrokenHdr_IsAnErrorWithoutScanShape_AndAWarningWithIt()
    {
        using var dir = new TempDirectory();
        var layout = new Layout("U16", 12, 4, 4);
        List<int[]> frames = RandomFrames(12, 16, 12, seed: 3);
        string path = dir.Write("scan.mib", MibBytes.File(layout, frames));
        string hdr = dir.Write("scan.hdr", "not a header\n"u8.ToArray());

        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>().With.Message.StartsWith(hdr).And.Message.Contains("HDR"));
        using FrameSource source = FrameFormats.Open(path, new FrameSourceOptions { ScanShape = new ScanShape(4, 3) });
        Assert.Multiple(() =>
        {
            Assert.That(source.Shape, Is.EqualTo(new long[] { 4, 3, 4, 4 }));
            Assert.That(source.Metadata["warning"], Does.Contain(hdr).And.Contains("--scan-shape"));
            Assert.That(source.Metadata.ContainsKey("hdr"), Is.False, "the ignored header is not recorded as the scan's source");
        });
    }

    [Test]
    public void Open_TheHdrItself_OpensItsMibFile()
    {
        using var dir = new TempDirectory();
        var layout = new Layout("U08", 6, 4, 4);
        dir.Write("scan.mib", MibBytes.File(layout, RandomFrames(6, 16, 6, seed: 1)));
        string hdr = dir.Write("scan.hdr", Hdr(frames: 6, perTrigger: 3));
        using FrameSource source = FrameFormats.Open(hdr);
        Assert.That(source.Shape, Is.EqualTo(new long[] { 2, 3, 4, 4 }));
    }

    [Test]
    public void Open_NoHdrNoScanShape_AsksForItAndSuggestsASquare()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("scan.mib", MibBytes.File(new Layout("U08", 6, 4, 4), RandomFrames(9, 16, 6, seed: 1)));
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>().With.Message.StartsWith(path).And.Message.Contains("--scan-shape 3x3"));
    }

    [TestCase("dir")]
    [TestCase("glob")]
    public void Open_SeveralFiles_OrderedBySequenceNumberNotName(string how)
    {
        using var dir = new TempDirectory();
        var layout = new Layout("U16", 12, 4, 4);
        List<int[]> frames = RandomFrames(9, 16, 12, seed: 8);
        Directory.CreateDirectory(dir.PathOf("acq"));
        // Names sort in the opposite order of the sequence numbers.
        dir.Write("acq/c.mib", MibBytes.File(layout, frames[..3], firstSequence: 1));
        dir.Write("acq/b.mib", MibBytes.File(layout, frames[3..7], firstSequence: 4));
        dir.Write("acq/a.mib", MibBytes.File(layout, frames[7..], firstSequence: 8));
        string path = how == "dir" ? dir.PathOf("acq") : dir.PathOf("acq/*.mib");
        (float[] values, long[] shape, string format) = FrameReading.OpenAndReadAll(path, new FrameSourceOptions { ScanShape = new ScanShape(3, 3) });
        Assert.Multiple(() =>
        {
            Assert.That(format, Is.EqualTo("mib"));
            Assert.That(shape, Is.EqualTo(new long[] { 3, 3, 4, 4 }));
            Assert.That(values, Is.EqualTo(frames.SelectMany(f => f).Select(v => (float)v)));
        });
    }

    [Test]
    public void Open_FilesWithAGapInTheSequence_ThrowsNamingTheFile()
    {
        using var dir = new TempDirectory();
        var layout = new Layout("U08", 6, 4, 4);
        Directory.CreateDirectory(dir.PathOf("acq"));
        dir.Write("acq/1.mib", MibBytes.File(layout, RandomFrames(2, 16, 6, 1), firstSequence: 1));
        string second = dir.Write("acq/2.mib", MibBytes.File(layout, RandomFrames(2, 16, 6, 2), firstSequence: 4));
        Assert.That(() => FrameFormats.Open(dir.PathOf("acq"), new FrameSourceOptions { ScanShape = new ScanShape(2, 2) }),
            Throws.TypeOf<DataFormatException>().With.Message.StartsWith(second).And.Message.Contains("ends at 2"));
    }

    [Test]
    public void Open_TruncatedLastFrame_ThrowsWithTheOffsetOfTheIncompleteFrame()
    {
        using var dir = new TempDirectory();
        var layout = new Layout("U16", 12, 4, 4);
        byte[] file = MibBytes.File(layout, RandomFrames(4, 16, 12, seed: 2));
        string path = dir.Write("cut.mib", file[..^7]);
        int stride = 384 + 32;
        Assert.That(() => FrameFormats.Open(path, new FrameSourceOptions { ScanShape = new ScanShape(2, 2) }),
            Throws.TypeOf<DataFormatException>().With.Message.Contains($"at byte {3 * stride}:").And.Message.Contains("3 frame(s)"));
    }

    [TestCase("00384", "00768", 2, "header length")]
    [TestCase("0004,U16", "0004,U32", 6, "pixel type")]
    [TestCase("MQ1,", "MQX,", 0, "MQ1")]
    [TestCase("000003", "000004", 1, "sequence number 4, expected 3")]
    public void ReadFrames_LaterHeaderThatLies_ThrowsNamingTheFrameOffsetAndField(string from, string to, int field, string expected)
    {
        using var dir = new TempDirectory();
        var layout = new Layout("U16", 12, 4, 4);
        byte[] file = MibBytes.File(layout, RandomFrames(4, 16, 12, seed: 2));
        int stride = 384 + 32;
        // Frame 2's header (sequence number 3) is altered; the first frame, which sets the layout, is intact.
        string header = Encoding.ASCII.GetString(file, 2 * stride, 384);
        int at = header.IndexOf(from, StringComparison.Ordinal);
        Encoding.ASCII.GetBytes(to).CopyTo(file, (2 * stride) + at);
        string path = dir.Write("lie.mib", file);
        using FrameSource source = FrameFormats.Open(path, new FrameSourceOptions { ScanShape = new ScanShape(2, 2) });
        Assert.That(() => FrameReading.ReadAll(source), Throws.TypeOf<DataFormatException>()
            .With.Message.StartsWith(path).And.Message.Contains(expected).And.Message.Contains($"at byte {(2 * stride) + (field == 0 ? 0 : HeaderFieldStart(header, field))}:"));
    }

    [TestCase("U16", "U12", "unknown pixel type 'U12'")]
    [TestCase("MQ1,", "XQ1,", "at byte 0: not a Merlin frame header")]
    [TestCase(",0004,", ",00x4,", "not a number")]
    public void Open_BadFirstHeader_ThrowsNamingTheField(string from, string to, string expected)
    {
        using var dir = new TempDirectory();
        byte[] file = MibBytes.File(new Layout("U16", 12, 4, 4), RandomFrames(4, 16, 12, seed: 2));
        string header = Encoding.ASCII.GetString(file, 0, 384);
        Encoding.ASCII.GetBytes(to).CopyTo(file, header.IndexOf(from, StringComparison.Ordinal));
        string path = dir.Write("bad.mib", file);
        Assert.That(() => FrameFormats.Open(path, new FrameSourceOptions { ScanShape = new ScanShape(2, 2) }),
            Throws.TypeOf<DataFormatException>().With.Message.StartsWith(path).And.Message.Contains(expected));
    }

    [Test]
    public void Open_Raw24Bit_ThrowsNamingTheDepth()
    {
        using var dir = new TempDirectory();
        var layout = new Layout("R64", 24, 16, 8);
        byte[] header = MibBytes.Header(layout, 1);
        string path = dir.Write("r24.mib", [.. header, .. new byte[16 * 8 * 4]]);
        Assert.That(() => FrameFormats.Open(path, new FrameSourceOptions { ScanShape = new ScanShape(1, 1) }),
            Throws.TypeOf<DataFormatException>().With.Message.Contains("counter depth 24"));
    }

    [Test]
    public void Open_QuadRawOfAnotherSize_ThrowsNamingTheLayout()
    {
        using var dir = new TempDirectory();
        var layout = new Layout("R64", 1, 256, 256, Quad: true, DeclaredWidth: 512, DeclaredHeight: 256);
        byte[] header = MibBytes.Header(layout, 1);
        string path = dir.Write("q.mib", [.. header, .. new byte[512 * 256 / 8]]);
        Assert.That(() => FrameFormats.Open(path, new FrameSourceOptions { ScanShape = new ScanShape(1, 1) }),
            Throws.TypeOf<DataFormatException>().With.Message.Contains("512×256 pixels").And.Message.Contains("declared 1024×256 by Merlin"));
    }

    private static int HeaderFieldStart(string header, int field)
    {
        int at = 0;
        for (int i = 0; i < field; i++)
        {
            at = header.IndexOf(',', at) + 1;
        }

        return at;
    }
}
