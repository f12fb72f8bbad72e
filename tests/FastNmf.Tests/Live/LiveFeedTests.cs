using System.Diagnostics;
using FastNmf.Data;
using FastNmf.IO;
using FastNmf.Live;
using FastNmf.Simulation;
using FastNmf.Streams;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Live;

/// <summary>
/// A scan fed over loopback TCP, as from a Merlin: the replay of a file gives the whole-scan projection bit for bit;
/// a sender that stops early, a gap, garbage, a wrong detector, silence and cancellation each end the feed in bounded
/// time with the frames received kept and the rest marked; a slow consumer holds the sender back.
/// </summary>
[CancelAfter(60_000)]
public sealed class LiveFeedTests
{
    private static readonly TimeSpan Connect = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);
    private static Dataset4D s_data = null!;
    private static NmfModel s_model = null!;

    [OneTimeSetUp]
    public static void Fit()
    {
        (s_data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 10, ScanCols = 8, DetRows = 16, DetCols = 16, Dose = 2000, Seed = 9 });
        using UnfoldedData x = UnfoldedData.Create(s_data);
        s_model = Factorizer.Run(x, new NmfOptions { Components = 3, Iterations = 30, Restarts = 1, Seed = 1, Threads = 2 }).Model;
    }

    [TestCase(MerlinPixelFormat.U16, 0.0)]
    [TestCase(MerlinPixelFormat.U32, 0.0)]
    [TestCase(MerlinPixelFormat.U16, 2000.0)]
    public void Run_AReplayedFile_GivesTheWholeScanProjection(MerlinPixelFormat format, double rate)
    {
        using UnfoldedData x = UnfoldedData.Create(s_data);
        Projection whole = s_model.Project(x, 1);
        using var source = new ArrayFrameSource(s_data, "sim");
        using var server = new MerlinReplayServer(source, new MerlinReplayOptions { Format = format, Rate = rate, AcceptTimeout = Connect });
        var sending = new Stopwatch();
        Task<int> serving = Task.Run(() =>
        {
            sending.Start();
            int whole = server.Serve(null, CancellationToken.None);
            sending.Stop();
            return whole;
        });
        using var live = new LiveProjection(s_model, s_data.ScanRows, s_data.ScanCols);
        var statuses = new List<LiveStatus>();
        LiveFeedResult result;
        using (MerlinStreamReader stream = MerlinReceiver.Connect("127.0.0.1", server.Port, Connect, ReadTimeout))
        {
            result = LiveFeed.Run(stream, live, new LiveFeedOptions { FramesPerSlot = 7, Slots = 3, StatusInterval = TimeSpan.Zero }, statuses.Add, CancellationToken.None);
        }

        Assert.That(serving.Wait(TimeSpan.FromSeconds(10)), Is.True, "the replay finished");
        Assert.Multiple(() =>
        {
            Assert.That(result.End, Is.EqualTo(LiveEnd.Complete), result.Reason);
            Assert.That(result.IsComplete, Is.True);
            Assert.That(result.Status.Received, Is.EqualTo(s_data.NXy));
            Assert.That(result.Latency.Count, Is.EqualTo(s_data.NXy), "a latency per frame");
            Assert.That(result.Latency.Percentile(0.99), Is.GreaterThan(0).And.LessThanOrEqualTo(result.Latency.MaxSeconds));
            Assert.That(statuses, Is.Not.Empty, "status reported while running");
            Assert.That(serving.Result, Is.EqualTo(1), "one whole acquisition sent");
            Assert.That(live.ToProjection().H, Is.EqualTo(whole.H).AsCollection, "the maps of `fastnmf project`, bit for bit");
        });
        if (rate > 0)
        {
            // Measured at the sender: a receiver that starts reading late finds the frames already queued.
            Assert.That(sending.Elapsed.TotalSeconds, Is.GreaterThan(0.8 * (s_data.NXy - 1) / rate), "the replay kept to its rate");
        }
    }

    [Test]
    public void Run_ASenderThatStopsMidScan_EndsEarlyWithTheRestLost()
    {
        int half = s_data.NXy / 2;
        using var sender = new LoopbackSender([Acquisition(0, half)]);
        using var live = new LiveProjection(s_model, s_data.ScanRows, s_data.ScanCols);
        LiveFeedResult result = Feed(sender.Port, live);
        var states = new PositionState[s_data.NXy];
        live.CopyStates(states);
        Assert.Multiple(() =>
        {
            Assert.That(result.End, Is.EqualTo(LiveEnd.EndedEarly));
            Assert.That(result.Reason, Does.Contain($"the source ended after frame {half - 1} of {s_data.NXy}"));
            Assert.That(result.Missing, Is.EqualTo(s_data.NXy - half));
            Assert.That(states.Take(half), Has.All.EqualTo(PositionState.Received));
            Assert.That(states.Skip(half), Has.All.EqualTo(PositionState.Lost));
        });
    }

    [Test]
    public void Run_AGapInTheSequence_MarksThosePositionsLostWithoutShifting()
    {
        byte[] all = Acquisition(0, s_data.NXy, skip: [20, 21, 22]);
        using var sender = new LoopbackSender([all]);
        using var live = new LiveProjection(s_model, s_data.ScanRows, s_data.ScanCols);
        LiveFeedResult result = Feed(sender.Port, live);
        Projection p = live.ToProjection();
        using UnfoldedData x = UnfoldedData.Create(s_data);
        Projection whole = s_model.Project(x, 1);
        int n = s_data.NXy;
        Assert.Multiple(() =>
        {
            Assert.That(result.End, Is.EqualTo(LiveEnd.Complete), result.Reason);
            Assert.That(result.IsComplete, Is.False);
            Assert.That(result.Status.Lost, Is.EqualTo(3));
            Assert.That(result.Missing, Is.EqualTo(3));
            Assert.That(result.Reason, Does.Contain("3 frame(s) lost in the stream"));
            Assert.That(p.Residual[21], Is.NaN);
            Assert.That(p.Residual[60], Is.EqualTo(whole.Residual[60]), "later frames at their own positions");
            Assert.That(p.H[(1 * n) + 60], Is.EqualTo(whole.H[(1 * n) + 60]));
        });
    }

    [Test]
    public void Run_GarbageMidStream_FailsNamingTheOffsetAndKeepsTheFramesBefore()
    {
        byte[] first = Acquisition(0, 30);
        using var sender = new LoopbackSender([first, "this is not MPX framing at all"u8.ToArray()]);
        using var live = new LiveProjection(s_model, s_data.ScanRows, s_data.ScanCols);
        LiveFeedResult result = Feed(sender.Port, live);
        Assert.Multiple(() =>
        {
            Assert.That(result.End, Is.EqualTo(LiveEnd.Failed));
            Assert.That(result.Reason, Does.StartWith($"merlin 127.0.0.1:{sender.Port}: at byte {first.Length}:").And.Contains("not an MPX message prefix"));
            Assert.That(result.Status.Received, Is.EqualTo(30));
            Assert.That(live.Lost, Is.EqualTo(s_data.NXy - 30));
        });
    }

    [Test]
    public void Run_FramesOfAnotherDetector_AreRefusedBeforeFeeding()
    {
        var writer = new MerlinFrameWriter(8, 8, MerlinPixelFormat.U16);
        var message = new byte[writer.FrameMessageLength];
        writer.WriteFrame(new float[64], 1, message, "test");
        using var sender = new LoopbackSender([writer.AcquisitionHeader(80, 10, 8), message]);
        using var live = new LiveProjection(s_model, s_data.ScanRows, s_data.ScanCols);
        using MerlinStreamReader stream = MerlinReceiver.Connect("127.0.0.1", sender.Port, Connect, ReadTimeout);
        Assert.That(() => LiveFeed.Run(stream, live, new LiveFeedOptions(), null, CancellationToken.None),
            Throws.TypeOf<DataFormatException>().With.Message.Contains("its frames are 8×8").And.Message.Contains("expects 16×16"));
    }

    [Test]
    public void Connect_ASilentPort_TimesOutInBoundedTime()
    {
        using var sender = new LoopbackSender([], holdOpen: true);
        using MerlinStreamReader stream = MerlinReceiver.Connect("127.0.0.1", sender.Port, Connect, TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        Assert.That(stream.Open, Throws.TypeOf<TimeoutException>().With.Message.Contains("nothing arrived for 0.3 s"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public void Connect_NobodyListening_IsOneClearError()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        Assert.That(() => MerlinReceiver.Connect("127.0.0.1", port, Connect, ReadTimeout),
            Throws.TypeOf<DataFormatException>().With.Message.StartsWith($"merlin 127.0.0.1:{port}: cannot connect"));
    }

    [Test]
    public void Run_Cancelled_StopsInBoundedTimeAndSaysSo()
    {
        using var sender = new LoopbackSender([Acquisition(0, 10)], holdOpen: true);
        using var live = new LiveProjection(s_model, s_data.ScanRows, s_data.ScanCols);
        using MerlinStreamReader stream = MerlinReceiver.Connect("127.0.0.1", sender.Port, Connect, ReadTimeout);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();
        LiveFeedResult result = LiveFeed.Run(stream, live, new LiveFeedOptions(), null, cancel.Token);
        Assert.Multiple(() =>
        {
            Assert.That(result.End, Is.EqualTo(LiveEnd.Cancelled));
            Assert.That(result.IsComplete, Is.False);
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)));
            Assert.That(live.IsComplete, Is.True, "the scan was completed: the rest is marked lost");
        });
    }

    [Test]
    public void Run_ASlowConsumer_HoldsTheSenderBack()
    {
        // 256×256 U16 frames (131 kB each); the consumer sleeps 1 s on its first block. With 2 slots of 4 frames, only
        // the socket buffers can hold more: the replay must be far from its 1,500 frames by then.
        const int Frames = 1500;
        var big = new Dataset4D(new float[Frames * 256 * 256], 1, Frames, 256, 256);
        using var source = new ArrayFrameSource(big, "zeros");
        using var server = new MerlinReplayServer(source, new MerlinReplayOptions { AcceptTimeout = Connect, CacheBytes = 0 });
        Task<int> serving = Task.Run(() => server.Serve(null, CancellationToken.None));
        var slow = new SlowScan(Frames, 256, TimeSpan.FromSeconds(1));
        long sentWhileBlocked = -1;
        slow.WhileBlocked = () => sentWhileBlocked = server.FramesSent;
        using (MerlinStreamReader stream = MerlinReceiver.Connect("127.0.0.1", server.Port, Connect, ReadTimeout))
        {
            LiveFeedResult result = LiveFeed.Run(stream, slow, new LiveFeedOptions { FramesPerSlot = 4, Slots = 2 }, null, CancellationToken.None);
            Assert.That(result.End, Is.EqualTo(LiveEnd.Complete), result.Reason);
        }

        Assert.That(serving.Wait(TimeSpan.FromSeconds(20)), Is.True);
        Assert.That(sentWhileBlocked, Is.InRange(1, Frames / 3), "frames the sender got out while the consumer was stuck");
    }

    private static LiveFeedResult Feed(int port, LiveProjection live)
    {
        using MerlinStreamReader stream = MerlinReceiver.Connect("127.0.0.1", port, Connect, ReadTimeout);
        return LiveFeed.Run(stream, live, new LiveFeedOptions { FramesPerSlot = 8, Slots = 2 }, null, CancellationToken.None);
    }

    // The header and frames [first, first + count) of the test scan, as U16 messages (positions in `skip` left out).
    private static byte[] Acquisition(int first, int count, int[]? skip = null)
    {
        var writer = new MerlinFrameWriter(s_data.DetRows, s_data.DetCols, MerlinPixelFormat.U16);
        using var bytes = new MemoryStream();
        bytes.Write(writer.AcquisitionHeader(s_data.NXy, s_data.ScanRows, s_data.ScanCols));
        var message = new byte[writer.FrameMessageLength];
        for (int j = first; j < first + count; j++)
        {
            if (skip?.Contains(j) == true)
            {
                continue;
            }

            writer.WriteFrame(s_data.Data.AsSpan(j * s_data.NUv, s_data.NUv), j + 1, message, "sim");
            bytes.Write(message);
        }

        return bytes.ToArray();
    }

    private sealed class SlowScan(int positions, int side, TimeSpan stall) : ILiveScan
    {
        private bool _stalled;

        public Action? WhileBlocked { get; set; }

        public int Positions => positions;

        public int DetRows => side;

        public int DetCols => side;

        public void Push(ReadOnlySpan<ushort> frames, long firstPosition) => Stall();

        public void Push(ReadOnlySpan<float> frames, long firstPosition) => Stall();

        public void MarkLost(long firstPosition, int count)
        {
        }

        public void Complete()
        {
        }

        private void Stall()
        {
            if (!_stalled)
            {
                _stalled = true;
                Thread.Sleep(stall);
                WhileBlocked?.Invoke();
            }
        }
    }
}
