using System.Buffers.Binary;
using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;
using static FastNmf.Tests.TestSupport.DmBytes;

namespace FastNmf.Tests.IO;

[TestFixture]
public sealed class DmFrameSourceTests
{
    private const int ScanRows = 3, ScanCols = 4, DetRows = 5, DetCols = 6;
    private static readonly int[] s_counts = Enumerable.Range(0, ScanRows * ScanCols * DetRows * DetCols).Select(i => (i * 37) % 1001).ToArray();

    private static byte[] Thumbnail() => Image(6, 10, 1, [8, 8], new byte[64], null) is var g ? File(4, new Group("ImageList", g)) : [];

    // The data stack in C order ([det_cols, det_rows, scan_cols, scan_rows]) or hybrid order ([scan_cols, scan_rows, det_cols, det_rows]).
    private static Group Stack(bool hybrid, bool? swappedTag, int dataType = 10, int elementType = 4)
    {
        int size = ElementBytes(elementType);
        var pixels = new byte[s_counts.Length * size];
        int frames = ScanRows * ScanCols, frame = DetRows * DetCols;
        for (int i = 0; i < s_counts.Length; i++)
        {
            int at = hybrid ? ((i % frame) * frames) + (i / frame) : i;
            Span<byte> d = pixels.AsSpan(at * size, size);
            switch (elementType)
            {
                case 4: BinaryPrimitives.WriteUInt16LittleEndian(d, (ushort)s_counts[i]); break;
                case 6: BinaryPrimitives.WriteSingleLittleEndian(d, s_counts[i]); break;
                case 3: BinaryPrimitives.WriteInt32LittleEndian(d, s_counts[i]); break;
                default: d[0] = (byte)s_counts[i]; break;
            }
        }

        long[] dims = hybrid ? [ScanCols, ScanRows, DetCols, DetRows] : [DetCols, DetRows, ScanCols, ScanRows];
        return Image(dataType, elementType, size, dims, pixels, swappedTag);
    }

    private static byte[] DmFile(int version, Group stack) =>
        File(version,
            new Group("ImageList", Image(6, 10, 1, [8, 8], new byte[64], null), stack),
            new Group("Thumbnails", new Group(string.Empty, new Simple("ImageIndex", 5, 0))));

    [TestCase(4, false, true, 10, 4)]
    [TestCase(3, false, true, 10, 4)]
    [TestCase(4, true, false, 10, 4)]
    [TestCase(4, true, null, 10, 4)]
    [TestCase(4, false, true, 2, 6)]
    [TestCase(3, true, false, 7, 3)]
    [TestCase(4, false, true, 6, 10)]
    public void Open_FourDimensionalStack_ReadsEveryOrderAndTypeExactly(int version, bool hybrid, bool? swappedTag, int dataType, int elementType)
    {
        using var dir = new TempDirectory();
        string path = dir.Write($"stack.dm{version}", DmFile(version, Stack(hybrid, swappedTag, dataType, elementType)));
        (float[] values, long[] shape, string format) = FrameReading.OpenAndReadAll(path);
        Assert.Multiple(() =>
        {
            Assert.That(format, Is.EqualTo("dm"));
            Assert.That(shape, Is.EqualTo(new long[] { ScanRows, ScanCols, DetRows, DetCols }));
            Assert.That(values, Is.EqualTo(s_counts.Select(v => (float)(elementType == 10 ? (byte)v : v))));
        });
    }

    [Test]
    public void Open_ThreeDimensionalStack_NeedsTheScanShape()
    {
        using var dir = new TempDirectory();
        var pixels = new byte[s_counts.Length * 2];
        for (int i = 0; i < s_counts.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(pixels.AsSpan(2 * i), (ushort)s_counts[i]);
        }

        string path = dir.Write("stack.dm4", File(4, new Group("ImageList", Image(10, 4, 2, [DetCols, DetRows, ScanRows * ScanCols], pixels, null))));
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>().With.Message.Contains("--scan-shape"));
        (float[] values, long[] shape, _) = FrameReading.OpenAndReadAll(path, new FrameSourceOptions { ScanShape = new ScanShape(ScanRows, ScanCols) });
        Assert.Multiple(() =>
        {
            Assert.That(shape, Is.EqualTo(new long[] { ScanRows, ScanCols, DetRows, DetCols }));
            Assert.That(values, Is.EqualTo(s_counts.Select(v => (float)v)));
        });
    }

    [Test]
    public void Open_TwoStacks_ThrowsListingThemAndReadsTheOneNamed()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("two.dm4", File(4, new Group("ImageList", Stack(false, true), Stack(true, false))));
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>().With.Message.Contains("2 images could be the data").And.Message.Contains(":INDEX"));
        (float[] values, _, _) = FrameReading.OpenAndReadAll(path + ":1");
        Assert.That(values, Is.EqualTo(s_counts.Select(v => (float)v)));
    }

    [Test]
    public void Open_ComplexImage_ThrowsNamingTheDataType()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("complex.dm4", File(4, new Group("ImageList", Image(3, 6, 8, [2, 2, 2, 2], new byte[16 * 8], true))));
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>().With.Message.Contains("DM data type 3"));
    }

    [Test]
    public void Open_DimensionsThatDoNotMatchTheData_ThrowsNamingBoth()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("lie.dm4", File(4, new Group("ImageList", Image(10, 4, 2, [6, 5, 4, 4], new byte[6 * 5 * 4 * 3 * 2], true))));
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>().With.Message.Contains("need 960 bytes, its Data tag holds 720"));
    }

    [Test]
    public void Open_NoImageList_ThrowsClearly()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("empty.dm3", File(3, new Simple("Version", 5, 1)));
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>().With.Message.Contains("no ImageList"));
    }

    [Test]
    public void Open_WrongVersion_IsNotRecognisedAsDm()
    {
        using var dir = new TempDirectory();
        byte[] file = DmFile(4, Stack(false, true));
        file[3] = 5;
        string path = dir.Write("v5.dm4", file);
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>().With.Message.Contains("version field is 5"));
    }

    [TestCase(4)]
    [TestCase(3)]
    [Category("Slow")] // starts HyperSpy (seconds); ignored where python3-hyperspy is not installed
    public void Open_WhatHyperSpyReads_IsWhatFastNmfReads(int version)
    {
        using var dir = new TempDirectory();
        string path = dir.Write($"stack.dm{version}", DmFile(version, Stack(hybrid: false, swappedTag: true)));
        NpyArray expected = HyperSpyReference.Read(dir, path);
        (float[] values, long[] shape, _) = FrameReading.OpenAndReadAll(path);
        Assert.Multiple(() =>
        {
            Assert.That(expected.Shape, Is.EqualTo(shape));
            Assert.That(values, Is.EqualTo(expected.Data));
        });
    }
}
