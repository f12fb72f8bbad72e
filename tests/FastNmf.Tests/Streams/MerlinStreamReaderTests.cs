using System.Text;
using FastNmf.IO;
using FastNmf.Streams;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;
using static FastNmf.Tests.TestSupport.MibBytes;

namespace FastNmf.Tests.Streams;

/// <summary>
/// The Merlin data-port reader against messages built independently (the test's own .mib encoder wrapped in MPX
/// framing) and against the replay's writer: every pixel type, RAW single chip and quad, gaps counted and never
/// renumbered, leading bytes drained, and every fault one error naming the offset.
/// </summary>
public sealed class MerlinStreamReaderTests
{
    private static IEnumerable<TestCaseData> Layouts()
    {
        yield return new TestCaseData(new Layout("U08", 6, 12, 8)).SetArgDisplayNames("U08");
        yield return new TestCaseData(new Layout("U16", 12, 12, 8)).SetArgDisplayNames("U16");
        yield return new TestCaseData(new Layout("R64", 1, 16, 8)).SetArgDisplayNames("RAW 1-bit");
        yield return new TestCaseData(new Layout("R64", 6, 16, 8)).SetArgDisplayNames("RAW 6-bit");
        yield return new TestCaseData(new Layout("R64", 12, 16, 8)).SetArgDisplayNames("RAW 12-bit");
        yield return new TestCaseData(new Layout("R64", 1, 512, 512, Quad: true)).SetArgDisplayNames("RAW 1-bit quad (declared 1024x256)");
        yield return new TestCaseData(new Layout("R64", 12, 512, 512, Quad: true)).SetArgDisplayNames("RAW 12-bit quad");
    }

    [TestCaseSource(nameof(Layouts))]
    public void Read_IndependentlyEncodedFrames_DecodesEveryPixel(Layout layout)
    {
        List<int[]> frames = RandomFrames(5, layout.Width * layout.Height, layout.Depth, seed: layout.Depth);
        byte[] bytes = Stream(layout, frames, Enumerable.Range(1, 5));
        using var reader = new MerlinStreamReader(new MemoryStream(bytes), "test");
        reader.Open();
        var counts = new ushort[5 * layout.Width * layout.Height];
        var arrivals = new long[5];
        int n = reader.Read(counts, arrivals, out long first);
        Assert.Multiple(() =>
        {
            Assert.That((reader.DetRows, reader.DetCols), Is.EqualTo((layout.Height, layout.Width)));
            Assert.That(reader.FitsUInt16, Is.True);
            Assert.That((n, first), Is.EqualTo((5, 0L)));
            Assert.That(counts.Select(v => (int)v), Is.EqualTo(frames.SelectMany(f => f)));
            Assert.That(arrivals, Has.All.GreaterThan(0L));
            Assert.That(reader.Read(counts, arrivals, out _), Is.Zero, "then the end");
        });
    }

    [TestCase(MerlinPixelFormat.U08, 8, 12)]
    [TestCase(MerlinPixelFormat.U16, 8, 12)]
    [TestCase(MerlinPixelFormat.U32, 8, 12)]
    [TestCase(MerlinPixelFormat.Raw1, 8, 16)]
    [TestCase(MerlinPixelFormat.Raw6, 8, 16)]
    [TestCase(MerlinPixelFormat.Raw12, 8, 16)]
    [TestCase(MerlinPixelFormat.Raw6, 512, 512)]
    public void Read_TheReplayWritersFrames_AsFloat32_GivesThemBack(MerlinPixelFormat format, int rows, int cols)
    {
        int max = format switch { MerlinPixelFormat.Raw1 => 1, MerlinPixelFormat.Raw6 => 63, MerlinPixelFormat.U08 => 255, MerlinPixelFormat.Raw12 => 4095, _ => 65535 };
        var random = new Random(3);
        float[] frames = Enumerable.Range(0, 3 * rows * cols).Select(_ => (float)random.Next(max + 1)).ToArray();
        if (format == MerlinPixelFormat.U32)
        {
            frames[5] = 1_000_000;
        }

        var writer = new MerlinFrameWriter(rows, cols, format);
        using var stream = new MemoryStream();
        stream.Write(writer.AcquisitionHeader(3, 1, 3));
        var message = new byte[writer.FrameMessageLength];
        for (int f = 0; f < 3; f++)
        {
            writer.WriteFrame(frames.AsSpan(f * rows * cols, rows * cols), f + 1, message, "test");
            stream.Write(message);
        }

        stream.Position = 0;
        using var reader = new MerlinStreamReader(stream, "test");
        reader.Open();
        var back = new float[frames.Length];
        int n = reader.Read(back, default, out long first);
        Assert.Multiple(() =>
        {
            Assert.That((n, first), Is.EqualTo((3, 0L)));
            Assert.That(back, Is.EqualTo(frames).AsCollection);
            Assert.That(reader.FramesAnnounced, Is.EqualTo(3));
            Assert.That(reader.ScanAnnounced, Is.EqualTo(((int, int)?)(1, 3)));
            Assert.That(reader.FitsUInt16, Is.EqualTo(format != MerlinPixelFormat.U32));
        });
    }

    [Test]
    public void Read_ASequenceGap_EndsTheRunAndCountsTheLostFrames()
    {
        var layout = new Layout("U16", 12, 4, 4);
        List<int[]> frames = RandomFrames(4, 16, 12, seed: 1);
        using var reader = new MerlinStreamReader(new MemoryStream(Stream(layout, frames, [1, 2, 5, 6])), "test");
        var counts = new ushort[10 * 16];
        int a = reader.Read(counts, default, out long firstA);
        int b = reader.Read(counts, default, out long firstB);
        Assert.Multiple(() =>
        {
            Assert.That((a, firstA), Is.EqualTo((2, 0L)));
            Assert.That((b, firstB), Is.EqualTo((2, 4L)), "frames 3 and 4 never came: the run after the gap starts at index 4");
            Assert.That(counts.Take(16).Select(v => (int)v), Is.EqualTo(frames[2]));
            Assert.That(reader.LostFrames, Is.EqualTo(2));
        });
    }

    [Test]
    public void Open_BytesBeforeTheFirstMessage_AreDiscarded()
    {
        var layout = new Layout("U08", 6, 4, 4);
        List<int[]> frames = RandomFrames(2, 16, 6, seed: 2);
        byte[] garbage = Encoding.ASCII.GetBytes("GARBAGE MPX,12 left over from before");
        using var reader = new MerlinStreamReader(new MemoryStream([.. garbage, .. Stream(layout, frames, [1, 2])]), "test");
        var counts = new ushort[2 * 16];
        Assert.Multiple(() =>
        {
            Assert.That(reader.Read(counts, default, out _), Is.EqualTo(2));
            Assert.That(reader.DiscardedLeadingBytes, Is.EqualTo(garbage.Length));
            Assert.That(counts.Select(v => (int)v), Is.EqualTo(frames.SelectMany(f => f)));
        });
    }

    [Test]
    public void Read_BytesThatAreNotAMessage_AfterTheFirst_ThrowNamingTheOffset()
    {
        var layout = new Layout("U08", 6, 4, 4);
        byte[] good = Stream(layout, RandomFrames(1, 16, 6, seed: 2), [1]);
        using var reader = new MerlinStreamReader(new MemoryStream([.. good, .. "XYZ,0000000010,0123456789"u8.ToArray()]), "test");
        var counts = new ushort[4 * 16];
        Assert.That(reader.Read(counts, default, out _), Is.EqualTo(1), "the frames before the fault are read");
        Assert.That(() => reader.Read(counts, default, out _), Throws.TypeOf<DataFormatException>()
            .With.Message.StartsWith($"test: at byte {good.Length}:").And.Message.Contains("not an MPX message prefix"));
    }

    [Test]
    public void Read_AFrameOfAnotherSize_ThrowsNamingTheField()
    {
        var small = new Layout("U16", 12, 4, 4);
        var large = new Layout("U16", 12, 4, 5);
        byte[] bytes = [.. Stream(small, RandomFrames(1, 16, 12, 1), [1]), .. Message([.. Header(large, 2), .. Pixels(large, new int[20])])];
        using var reader = new MerlinStreamReader(new MemoryStream(bytes), "test");
        var counts = new ushort[4 * 20];
        Assert.That(reader.Read(counts, default, out _), Is.EqualTo(1), "the frames before the fault are read");
        Assert.That(() => reader.Read(counts, default, out _), Throws.TypeOf<DataFormatException>().With.Message.Contains("field 5 (frame height)"));
    }

    [Test]
    public void Read_ASecondAcquisitionHeader_MidScan_Throws()
    {
        var layout = new Layout("U16", 12, 4, 4);
        byte[] bytes = [.. Stream(layout, RandomFrames(1, 16, 12, 1), [1]), .. Message(Hdr(4, 2))];
        using var reader = new MerlinStreamReader(new MemoryStream(bytes), "test");
        var counts = new ushort[4 * 16];
        Assert.That(reader.Read(counts, default, out _), Is.EqualTo(1), "the frames before the fault are read");
        Assert.That(() => reader.Read(counts, default, out _), Throws.TypeOf<DataFormatException>().With.Message.Contains("a second acquisition header after 1 frame(s) of the 11 announced"));
    }

    [Test]
    public void Read_ASequenceThatGoesBack_Throws()
    {
        var layout = new Layout("U16", 12, 4, 4);
        using var reader = new MerlinStreamReader(new MemoryStream(Stream(layout, RandomFrames(3, 16, 12, 1), [1, 2, 2])), "test");
        var counts = new ushort[4 * 16];
        Assert.That(reader.Read(counts, default, out _), Is.EqualTo(2), "the frames before the fault are read");
        Assert.That(() => reader.Read(counts, default, out _), Throws.TypeOf<DataFormatException>().With.Message.Contains("frame sequence number 2 after 2"));
    }

    [Test]
    public void Read_AStreamCutInsideAFrame_ThrowsSayingWhere()
    {
        var layout = new Layout("U16", 12, 4, 4);
        byte[] bytes = Stream(layout, RandomFrames(2, 16, 12, 1), [1, 2]);
        using var reader = new MerlinStreamReader(new MemoryStream(bytes[..^10]), "test");
        var counts = new ushort[16];
        Assert.Multiple(() =>
        {
            Assert.That(reader.Read(counts, default, out _), Is.EqualTo(1));
            Assert.That(() => reader.Read(counts, default, out _), Throws.TypeOf<DataFormatException>().With.Message.Contains("the stream ended inside a").And.Message.Contains("after 1 frame(s)"));
        });
    }

    [Test]
    public void Open_NothingButAHeader_ThrowsBeforeTheFirstFrame()
    {
        using var reader = new MerlinStreamReader(new MemoryStream(Message(Hdr(4, 2))), "test");
        Assert.That(reader.Open, Throws.TypeOf<DataFormatException>().With.Message.Contains("ended before its first frame"));
    }

    [Test]
    public void WriteFrame_AValueTheFormatCannotHold_ThrowsNamingFrameAndPixel()
    {
        var writer = new MerlinFrameWriter(2, 4, MerlinPixelFormat.U08);
        float[] frame = [0, 1, 2, 3, 4, 300, 6, 7];
        Assert.That(() => writer.WriteFrame(frame, 3, new byte[writer.FrameMessageLength], "scan.npy"),
            Throws.TypeOf<DataFormatException>().With.Message.EqualTo("scan.npy: frame 2, pixel (1, 1) is 300: U08 sends whole counts from 0 to 255."));
    }

    // An acquisition as a Merlin data port sends it: the .hdr text, then each frame's .mib bytes, each in MPX framing.
    private static byte[] Stream(Layout layout, IReadOnlyList<int[]> frames, IEnumerable<int> sequences)
    {
        using var s = new MemoryStream();
        s.Write(Message(Hdr(frames.Count + 10, 2)));
        int f = 0;
        foreach (int sequence in sequences)
        {
            s.Write(Message([.. Header(layout, sequence), .. Pixels(layout, frames[f++])]));
        }

        return s.ToArray();
    }

    private static byte[] Message(byte[] payload) => [.. Encoding.ASCII.GetBytes($"MPX,{payload.Length + 1:D10},"), .. payload];
}
