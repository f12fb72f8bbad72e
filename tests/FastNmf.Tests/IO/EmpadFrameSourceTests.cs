using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO;

[TestFixture]
public sealed class EmpadFrameSourceTests
{
    private static List<float[]> Frames(int count) =>
        Enumerable.Range(0, count).Select(f => Enumerable.Range(0, 128 * 128).Select(i => (float)(((f * 131) + i) % 97) * 0.5f).ToArray()).ToList();

    [Test]
    public void Open_Xml_ReadsTheRawNextToItWithItsScanShape()
    {
        using var dir = new TempDirectory();
        List<float[]> frames = Frames(6);
        dir.Write("scan_x3_y2.raw", EmpadBytes.Raw(frames));
        string xml = dir.Write("acquisition.xml", EmpadBytes.Xml(@"C:\data\scan_x3_y2.raw", rows: 2, cols: 3));
        (float[] values, long[] shape, string format) = FrameReading.OpenAndReadAll(xml);
        Assert.Multiple(() =>
        {
            Assert.That(format, Is.EqualTo("empad"));
            Assert.That(shape, Is.EqualTo(new long[] { 2, 3, 128, 128 }));
            Assert.That(values, Is.EqualTo(frames.SelectMany(f => f)));
        });
    }

    [Test]
    public void Open_Raw_FindsTheXmlThatNamesIt()
    {
        using var dir = new TempDirectory();
        string raw = dir.Write("scan.raw", EmpadBytes.Raw(Frames(4)));
        dir.Write("other.xml", EmpadBytes.Xml("another.raw", rows: 9, cols: 9));
        dir.Write("scan.xml", EmpadBytes.Xml("scan.raw", rows: 4, cols: 1));
        using FrameSource source = FrameFormats.Open(raw);
        Assert.That(source.Shape, Is.EqualTo(new long[] { 4, 1, 128, 128 }));
    }

    [Test]
    public void Open_RawAlone_NeedsTheScanShape()
    {
        using var dir = new TempDirectory();
        string raw = dir.Write("scan.raw", EmpadBytes.Raw(Frames(4)));
        Assert.That(() => FrameFormats.Open(raw), Throws.TypeOf<DataFormatException>().With.Message.Contains("--scan-shape 2x2"));
        using FrameSource source = FrameFormats.Open(raw, new FrameSourceOptions { ScanShape = new ScanShape(2, 2) });
        Assert.That(source.Shape, Is.EqualTo(new long[] { 2, 2, 128, 128 }));
    }

    [Test]
    public void Open_DataOfTheSearchGridSize_UsesTheSearchGrid()
    {
        using var dir = new TempDirectory();
        dir.Write("scan.raw", EmpadBytes.Raw(Frames(4)));
        string xml = dir.Write("scan.xml", EmpadBytes.Xml("scan.raw", rows: null, cols: null).Select(b => b).ToArray());
        // Only the search grid (256×256) is recorded: 4 frames do not fit it, so the error names both counts.
        Assert.That(() => FrameFormats.Open(xml), Throws.TypeOf<DataFormatException>().With.Message.Contains("256x256 needs 65536 frames but it holds 4"));
    }

    [Test]
    public void Open_RawNotAWholeNumberOfFrames_ThrowsWithTheOffset()
    {
        using var dir = new TempDirectory();
        byte[] raw = EmpadBytes.Raw(Frames(2));
        string path = dir.Write("cut.raw", raw[..^100]);
        Assert.That(() => FrameFormats.Open(path, new FrameSourceOptions { ScanShape = new ScanShape(1, 2) }),
            Throws.TypeOf<DataFormatException>().With.Message.Contains("at byte 66560:").And.Message.Contains("1 frame(s)"));
    }

    [Test]
    public void Open_MalformedXml_ThrowsNamingTheLine()
    {
        using var dir = new TempDirectory();
        string xml = dir.Write("bad.xml", "<root>\n<raw_file filename=\"a.raw\">\n</root>"u8.ToArray());
        Assert.That(() => FrameFormats.Open(xml), Throws.TypeOf<DataFormatException>().With.Message.Contains("not well-formed XML (line 3"));
    }

    [Test]
    [Category("Slow")] // starts HyperSpy (seconds); ignored where python3-hyperspy is not installed
    public void Open_WhatHyperSpyReads_IsWhatFastNmfReads()
    {
        using var dir = new TempDirectory();
        dir.Write("scan.raw", EmpadBytes.Raw(Frames(4)));
        string xml = dir.Write("scan.xml", EmpadBytes.Xml("scan.raw", rows: 2, cols: 2));
        NpyArray expected = HyperSpyReference.Read(dir, xml, reader: "EMPAD");
        (float[] values, long[] shape, _) = FrameReading.OpenAndReadAll(xml);
        Assert.Multiple(() =>
        {
            Assert.That(expected.Shape, Is.EqualTo(shape));
            Assert.That(values, Is.EqualTo(expected.Data));
        });
    }
}
