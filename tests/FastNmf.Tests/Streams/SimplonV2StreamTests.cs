using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Net;
using System.Runtime.InteropServices;
using FastNmf.Data;
using FastNmf.Dectris;
using FastNmf.Hdf5.Filters;
using FastNmf.IO;
using FastNmf.Live;
using K4os.Compression.LZ4;
using NUnit.Framework;

namespace FastNmf.Tests.Streams;

/// <summary>
/// The DECTRIS SIMPLON v2 (CBOR) path of the reader over ZeroMQ on loopback: a replayed file gives the whole-scan
/// projection bit for bit; bslz4, lz4 and raw bytes, little- and big-endian, decode to the same frame; a frame-id gap is
/// counted and marked; a stale end is skipped; another series, another shape, an array or compression FastNmf cannot
/// read and bytes that are not CBOR are each one clear error.
/// </summary>
[NonParallelizable]
[CancelAfter(60_000)]
public sealed class SimplonV2StreamTests
{
    private const string Unique = "test-series";
    private static readonly TimeSpan Timeout = SimplonFixture.Timeout;

    private static Dataset4D Data => SimplonFixture.Data;

    [Test]
    public void Replay_ThroughLiveFeed_GivesTheWholeScanProjection()
    {
        (LiveFeedResult result, float[] maps, float[] whole, SimplonStreamReader reader) = SimplonFixture.Replay(2);
        using SimplonStreamReader stream = reader;
        Assert.Multiple(() =>
        {
            Assert.That(result.End, Is.EqualTo(LiveEnd.Complete), result.Reason);
            Assert.That((stream.DetRows, stream.DetCols), Is.EqualTo((20, 16)), "dimensions [rows, columns]");
            Assert.That(stream.FramesAnnounced, Is.EqualTo(64), "number_of_images");
            Assert.That(stream.Describe(), Does.StartWith("stream v2, 16×20 uint16, encoding bslz4 little-endian uint16"));
            Assert.That(maps, Is.EqualTo(whole).AsCollection);
        });
    }

    [TestCase("bslz4", 69ul)]
    [TestCase("lz4", 69ul)]
    [TestCase(null, 69ul)]
    [TestCase(null, 65ul)]
    public void Read_EachEncoding_GivesTheFrame(string? algorithm, ulong typedArrayTag)
    {
        using var server = Manual(out SimplonStreamReader stream);
        using (stream)
        {
            server.Send([SimplonV2Writer.Start(2, Unique, 1, 20, 16)], default);
            server.Send([Image(2, 0, algorithm, typedArrayTag)], default);
            var counts = new ushort[320];
            Assert.That(stream.Read(counts, default, out long first), Is.EqualTo(1));
            Assert.Multiple(() =>
            {
                Assert.That(first, Is.Zero);
                Assert.That(counts.Select(v => (float)v), Is.EqualTo(Data.Frame(0, 0).ToArray()));
            });
        }
    }

    [Test]
    public void Read_AFrameIdGap_IsCountedAndAStaleEndSkipped()
    {
        using var server = Manual(out SimplonStreamReader stream);
        using (stream)
        {
            server.Send([SimplonV2Writer.End(6, "earlier")], default); // stale: an earlier series
            server.Send([SimplonV2Writer.Start(7, Unique, 6, 20, 16)], default);
            foreach (int f in new[] { 0, 1, 4, 5 })
            {
                server.Send([Image(7, f)], default);
            }

            server.Send([SimplonV2Writer.End(7, Unique)], default);
            (List<(long First, int Count)> runs, float[]? frame4, int n) = SimplonFixture.ReadRuns(stream, watch: 4);
            Assert.Multiple(() =>
            {
                Assert.That(runs, Is.EqualTo(new[] { (0L, 2), (4L, 2) }));
                Assert.That(frame4, Is.EqualTo(Data.Frame(0, 4).ToArray()), "frame 4's pixels at index 4");
                Assert.That(n, Is.Zero, "the series' end");
                Assert.That(stream.LostFrames, Is.EqualTo(2));
            });
        }
    }

    [Test]
    public void Read_ImagesOfAnotherSeries_Throw()
    {
        using var server = Manual(out SimplonStreamReader stream);
        using (stream)
        {
            server.Send([SimplonV2Writer.Start(3, Unique, 4, 20, 16)], default);
            server.Send([Image(3, 0)], default);
            server.Send([Image(9, 1)], default);
            var counts = new ushort[4 * 320];
            Assert.That(stream.Read(counts, default, out _), Is.EqualTo(1), "the image before the fault is read");
            Assert.That(() => stream.Read(counts, default, out _), Throws.TypeOf<DataFormatException>().With.Message.Contains("image 1 of series 9 in series 3"));
        }
    }

    [Test]
    public void Read_AFrameOfAnotherShape_Throws()
    {
        using var server = Manual(out SimplonStreamReader stream);
        using (stream)
        {
            server.Send([SimplonV2Writer.Start(3, Unique, 4, 20, 16)], default);
            server.Send([Image(3, 0)], default);
            ushort[] small = new ushort[16 * 16];
            server.Send([SimplonV2Writer.Image(3, Unique, 1, 16, 16, BitshuffleCodec.EncodeLz4(MemoryMarshal.AsBytes(small.AsSpan()), 2, 0))], default);
            var counts = new ushort[4 * 320];
            Assert.That(stream.Read(counts, default, out _), Is.EqualTo(1));
            Assert.That(() => stream.Read(counts, default, out _), Throws.TypeOf<DataFormatException>().With.Message.Contains("image 1 is [16, 16]").And.Message.Contains("the series' first was [16, 20]"));
        }
    }

    [TestCase("zstd", 69ul, "compression 'zstd'; readable are bslz4 and lz4")]
    [TestCase(null, 72ul, "typed array tag 72 (RFC 8746)")]
    public void Open_AnArrayItCannotRead_IsOneClearError(string? algorithm, ulong typedArrayTag, string message)
    {
        using var server = Manual(out SimplonStreamReader stream);
        using (stream)
        {
            server.Send([SimplonV2Writer.Start(1, Unique, 4, 20, 16)], default);
            server.Send([SimplonV2Writer.Image(1, Unique, 0, 20, 16, new byte[640], algorithm, typedArrayTag)], default);
            Assert.That(stream.Open, Throws.TypeOf<DataFormatException>().With.Message.Contains(message).And.Message.Contains("channel 'threshold_1'"));
        }
    }

    [Test]
    public void Open_ACborMessageThatIsNotAMap_OrTruncated_IsOneClearError()
    {
        using var server = Manual(out SimplonStreamReader stream);
        using (stream)
        {
            byte[] image = Image(1, 0);
            server.Send([SimplonV2Writer.Start(1, Unique, 4, 20, 16)], default);
            server.Send([image[..(image.Length / 2)]], default);
            Assert.That(stream.Open, Throws.TypeOf<DataFormatException>().With.Message.Contains("not a readable SIMPLON v2 message"));
        }
    }

    /// <summary>Per frame the reader keeps its buffers: what it allocates after the first frames is far below one frame
    /// (the decoded pixels and each message's copy used to be two new frame-sized arrays).</summary>
    [TestCase(1)]
    [TestCase(2)]
    public void Read_AllocatesFarLessThanAFramePerFrame(int streamVersion)
    {
        const int frames = 160, det = 128;
        var values = new float[frames * det * det];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (i * 7919) % 13 == 0 ? (i % 50) + 1 : 0;
        }

        using var source = new ArrayFrameSource(new Dataset4D(values, 10, 16, det, det), "synthetic");
        using var server = new SimplonReplayServer(source, IPAddress.Loopback, 0, 0, streamVersion: streamVersion);
        using var stream = new SimplonStreamReader($"tcp://127.0.0.1:{server.Port}", Timeout);
        Task serving = Task.Run(() => server.Serve(CancellationToken.None));
        var counts = new ushort[det * det];
        int read = 0;
        long before = 0;
        for (int reads = 0; reads < 2 * frames && read < frames; reads++)
        {
            if (read == 40)
            {
                before = GC.GetAllocatedBytesForCurrentThread();
            }

            read += stream.Read(counts, default, out _);
        }

        long perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / (frames - 40);
        Assert.That(serving.Wait(TimeSpan.FromSeconds(20)), Is.True);
        TestContext.Out.WriteLine($"stream v{streamVersion}: {perFrame} bytes allocated per {2 * det * det}-byte frame");
        Assert.Multiple(() =>
        {
            Assert.That(read, Is.EqualTo(frames));
            Assert.That(perFrame, Is.LessThan(2 * det * det / 8), "bytes allocated per frame read");
        });
    }

    [Test]
    public void Parse_SeveralChannels_TakesTheFirstAndCountsThem()
    {
        var w = new CborWriter();
        w.WriteStartMap(4);
        w.WriteTextString("type");
        w.WriteTextString("image");
        w.WriteTextString("image_id");
        w.WriteUInt64(3);
        w.WriteTextString("series_id");
        w.WriteUInt64(1);
        w.WriteTextString("data");
        w.WriteStartMap(2);
        foreach (string channel in new[] { "threshold_1", "threshold_2" })
        {
            w.WriteTextString(channel);
            w.WriteTag((CborTag)40);
            w.WriteStartArray(2);
            w.WriteStartArray(2);
            w.WriteUInt64(2);
            w.WriteUInt64(3);
            w.WriteEndArray();
            w.WriteTag((CborTag)64);
            w.WriteByteString(channel == "threshold_1" ? [1, 2, 3, 4, 5, 6] : [9, 9, 9, 9, 9, 9]);
            w.WriteEndArray();
        }

        w.WriteEndMap();
        w.WriteEndMap();
        SimplonV2Message m = SimplonV2Message.Parse(w.Encode());
        Assert.Multiple(() =>
        {
            Assert.That((m.Type, m.Series, m.Image, m.Rows, m.Cols), Is.EqualTo(("image", 1L, 3L, 2, 3)));
            Assert.That((m.Channel, m.Channels), Is.EqualTo(("threshold_1", 2)));
            Assert.That(m.Payload.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3, 4, 5, 6 }), "a slice of the message, the first channel's");
            Assert.That(m.Encoding!.Value.ElementSize, Is.EqualTo(1));
        });
    }

    private static SimplonReplayServer Manual(out SimplonStreamReader stream)
    {
        var source = new ArrayFrameSource(Data, "sim");
        var server = new SimplonReplayServer(source, IPAddress.Loopback, 0, 0, streamVersion: 2);
        stream = new SimplonStreamReader($"tcp://127.0.0.1:{server.Port}", Timeout);
        return server;
    }

    // Image f of the test scan (scan order) as a v2 message: bslz4 or lz4 (the HDF5 filters' framing) or raw, in the
    // byte order the typed array tag says.
    private static byte[] Image(long series, int f, string? algorithm = "bslz4", ulong typedArrayTag = 69)
    {
        ushort[] counts = Data.Frame(f / 8, f % 8).ToArray().Select(v => (ushort)v).ToArray();
        if (typedArrayTag == 65)
        {
            BinaryPrimitives.ReverseEndianness(counts, counts);
        }

        byte[] raw = MemoryMarshal.AsBytes(counts.AsSpan()).ToArray();
        byte[] payload = algorithm switch
        {
            "bslz4" => BitshuffleCodec.EncodeLz4(raw, 2, 0),
            "lz4" => Lz4Framed(raw),
            _ => raw,
        };
        return SimplonV2Writer.Image(series, Unique, f, 20, 16, payload, algorithm, typedArrayTag);
    }

    // The HDF5 LZ4 filter's framing: total size and block size (big-endian), then each block's size and LZ4 block.
    private static byte[] Lz4Framed(byte[] raw)
    {
        const int block = 256;
        var output = new List<byte>();
        var head = new byte[12];
        BinaryPrimitives.WriteUInt64BigEndian(head, (ulong)raw.Length);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(8), block);
        output.AddRange(head);
        for (int at = 0; at < raw.Length; at += block)
        {
            int n = Math.Min(block, raw.Length - at);
            var packed = new byte[LZ4Codec.MaximumOutputSize(n)];
            int size = LZ4Codec.Encode(raw.AsSpan(at, n), packed, LZ4Level.L00_FAST);
            var length = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)size);
            output.AddRange(length);
            output.AddRange(packed.AsSpan(0, size).ToArray());
        }

        return [.. output];
    }
}
