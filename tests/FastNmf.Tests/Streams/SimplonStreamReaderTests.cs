using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using FastNmf.Data;
using FastNmf.Dectris;
using FastNmf.Hdf5.Filters;
using FastNmf.IO;
using FastNmf.Live;
using NUnit.Framework;

namespace FastNmf.Tests.Streams;

/// <summary>
/// The DECTRIS SIMPLON v1 reader over ZeroMQ on loopback: a replayed file gives the whole-scan projection bit for bit;
/// a frame-id gap is counted and marked, never renumbered; a stale series end is skipped; another series, an unknown
/// encoding and silence are one clear error in bounded time.
/// </summary>
[NonParallelizable]
[CancelAfter(60_000)]
public sealed class SimplonStreamReaderTests
{
    private static readonly TimeSpan Timeout = SimplonFixture.Timeout;

    private static Dataset4D Data => SimplonFixture.Data;

    [Test]
    public void Replay_ThroughLiveFeed_GivesTheWholeScanProjection()
    {
        (LiveFeedResult result, float[] maps, float[] whole, SimplonStreamReader reader) = SimplonFixture.Replay(1);
        using SimplonStreamReader stream = reader;
        Assert.Multiple(() =>
        {
            Assert.That(result.End, Is.EqualTo(LiveEnd.Complete), result.Reason);
            Assert.That(result.IsComplete, Is.True);
            Assert.That((stream.DetRows, stream.DetCols), Is.EqualTo((20, 16)), "shape [x, y] is columns, rows");
            Assert.That(stream.FramesAnnounced, Is.EqualTo(64));
            Assert.That(stream.Describe(), Does.Contain("bs16-lz4<"));
            Assert.That(maps, Is.EqualTo(whole).AsCollection);
        });
    }

    [Test]
    public void Read_AFrameIdGap_IsCountedAndTheRunStartsAfterIt()
    {
        using var server = Manual(out SimplonStreamReader stream);
        using (stream)
        {
            server.Send(Header(7, 6), default);
            server.Send(SimplonV1Writer.End(6), default); // stale: an earlier series
            foreach (int f in new[] { 0, 1, 4, 5 })
            {
                server.Send(Image(7, f), default);
            }

            server.Send(SimplonV1Writer.End(7), default);
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
            server.Send(Header(3, 4), default);
            server.Send(Image(3, 0), default);
            server.Send(Image(9, 1), default);
            var counts = new ushort[4 * 320];
            Assert.That(stream.Read(counts, default, out _), Is.EqualTo(1), "the image before the fault is read");
            Assert.That(() => stream.Read(counts, default, out _), Throws.TypeOf<DataFormatException>().With.Message.Contains("image 1 of series 9 in series 3"));
        }
    }

    [Test]
    public void Open_AnEncodingItCannotDecode_IsOneClearError()
    {
        using var server = Manual(out SimplonStreamReader stream);
        using (stream)
        {
            server.Send(Header(1, 4), default);
            server.Send(SimplonV1Writer.Image(1, 0, SimplonV1Writer.ImageD(20, 16, "bs16-zstd<"), new byte[8]), default);
            Assert.That(stream.Open, Throws.TypeOf<DataFormatException>().With.Message.Contains("encoding 'bs16-zstd<'"));
        }
    }

    [Test]
    public void Open_NothingSent_TimesOutInBoundedTime()
    {
        using var server = Manual(out SimplonStreamReader stream, TimeSpan.FromMilliseconds(300));
        using (stream)
        {
            var clock = Stopwatch.StartNew();
            Assert.That(stream.Open, Throws.TypeOf<TimeoutException>().With.Message.Contains("nothing arrived for 0.3 s"));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
        }
    }

    private static SimplonReplayServer Manual(out SimplonStreamReader stream, TimeSpan? timeout = null)
    {
        var source = new ArrayFrameSource(Data, "sim");
        var server = new SimplonReplayServer(source, IPAddress.Loopback, 0, 0);
        stream = new SimplonStreamReader($"tcp://127.0.0.1:{server.Port}", timeout ?? Timeout);
        return server;
    }

    private static byte[][] Header(int series, int images) => SimplonV1Writer.Header(series, images, 20, 16);

    // Image f of the test scan (scan order), bitshuffle + LZ4 as a DECTRIS detector sends it.
    private static byte[][] Image(int series, int f)
    {
        ushort[] counts = Data.Frame(f / 8, f % 8).ToArray().Select(v => (ushort)v).ToArray();
        return SimplonV1Writer.Image(series, f, SimplonV1Writer.ImageD(20, 16), BitshuffleCodec.EncodeLz4(MemoryMarshal.AsBytes(counts.AsSpan()), 2, 0));
    }
}
