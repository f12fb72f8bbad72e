using System.Diagnostics;
using System.Globalization;
using FastNmf.Benchmarks.Model;
using FastNmf.IO;
using FastNmf.Live;
using FastNmf.Streams;

namespace FastNmf.Benchmarks.Live;

/// <summary>
/// <c>-- live [--frames N] [--k 30]</c>: live mode end to end over loopback TCP, for 128×128 and 256×256 U16 frames:
/// a Merlin replay (encoded into memory first, so it sends at wire speed) → the receiver → a scan. Rows per detector,
/// in one run: the receiver alone (into a scan that keeps nothing: GB/s), the projection onto k components unpaced
/// (sustained frames/s), the same paced at the issue's target rate (latency from a frame's last byte to its map
/// value), learn mode (128² only), the DECTRIS SIMPLON v1 and v2 receivers (<see cref="DectrisThroughput"/>), and the
/// floor: the projector on the same frames in memory, one thread. The sender runs on this
/// machine too: on 2 cores it takes CPU a detector's own computer would not.
/// </summary>
internal static class LiveThroughput
{
    public static void Run(string[] args)
    {
        int frames = Option(args, "--frames", 8192), k = Option(args, "--k", 30);
        Console.WriteLine($"live mode over loopback, k = {k}, {frames} frames per run; {Environment.ProcessorCount} cores; {NmfModel.Create(new float[16], 1, Data.PixelMap.Create(4, 4)).Kernels.Describe()}");
        Console.WriteLine($"{"detector",-9} {"what",-34} {"frames/s",10} {"MB/s",8} {"p50 ms",8} {"p99 ms",8} {"max ms",8} {"gc ms",7} {"gen2",5}");
        foreach ((int det, double target) in new[] { (128, 20_000.0), (256, 5_000.0) })
        {
            NmfModel model = ProjectionSetup.Model(k, det);
            (_, ushort[] seed) = ProjectionSetup.Frames(512, det, det);
            using var source = new CyclingFrames(seed, frames, det);
            Row(det, "receiver alone (no projection)", Feed(source, new NullScan(frames, det), 0));
            using (var live = new LiveProjection(model, frames / 64, 64))
            {
                Row(det, $"project k = {k}, unpaced", Feed(source, live, 0));
            }

            using (var live = new LiveProjection(model, frames / 64, 64, threads: 2))
            {
                Row(det, $"project k = {k}, unpaced, 2 threads", Feed(source, live, 0));
            }

            using (var live = new LiveProjection(model, frames / 64, 64))
            {
                Row(det, $"project k = {k}, paced at {target:0} Hz", Feed(source, live, target));
            }

            using (var live = new LiveProjection(model, frames / 64, 64, threads: 2))
            {
                Row(det, $"… paced, 2 threads", Feed(source, live, target));
            }

            if (det == 128)
            {
                var learn = new LiveLearnOptions { Batch = new NmfOptions { Components = k, Seed = 1 }, FinishIterations = 0 };
                LiveLearnerWarmUp.Run(learn); // as fastnmf live --learn does before it connects
                using var learner = new LiveLearner(Data.PixelMap.Create(det, det), frames / 64, 64, learn);
                var clock = Stopwatch.StartNew();
                LiveFeedResult fed = Feed(source, learner, 0);
                Row(det, $"learn k = {k}, unpaced (stream)", fed);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{det + "²",-9} {"learn: whole run incl. final passes",-34} {frames / clock.Elapsed.TotalSeconds,10:F0}   ({learner.Refreshes} refreshes, {learner.Repasses} passes)"));
            }

            DectrisThroughput.Rows(det, model, seed, frames);
            Console.WriteLine($"{det + "²",-9} {"floor: projector in memory, 1 thread",-34} {Floor(model, seed),10:F0}");
            Console.WriteLine($"{det + "²",-9} {"LiveProjection.Push in memory",-34} {PushOnly(model, seed, frames),10:F0}");
        }
    }

    private static LiveFeedResult Feed(FrameSource source, ILiveScan scan, double rate)
    {
        TimeSpan paused = GC.GetTotalPauseDuration();
        int gen2 = GC.CollectionCount(2);
        using var server = new MerlinReplayServer(source, new MerlinReplayOptions { Rate = rate, CacheBytes = Array.MaxLength, AcceptTimeout = TimeSpan.FromSeconds(30) });
        Task<int> serving = Task.Run(() => server.Serve(null, CancellationToken.None));
        using MerlinStreamReader stream = MerlinReceiver.Connect("127.0.0.1", server.Port, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
        LiveFeedResult result = LiveFeed.Run(stream, scan, new LiveFeedOptions(), null, CancellationToken.None);
        serving.Wait(TimeSpan.FromSeconds(60));
        s_gc = ((GC.GetTotalPauseDuration() - paused).TotalMilliseconds, GC.CollectionCount(2) - gen2);
        if (!result.IsComplete)
        {
            throw new InvalidOperationException($"the benchmark's feed did not complete: {result.Reason}");
        }

        return result;
    }

    // GC pause (ms) and gen-2 collections during the last Merlin feed, both sides of the loopback (one process).
    private static (double PauseMs, int Gen2) s_gc;

    internal static void Row(int det, string what, LiveFeedResult r)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{det + "²",-9} {what,-34} {r.Status.FramesPerSecond,10:F0} {r.Status.Bytes / Math.Max(1e-9, r.Status.Seconds) / 1e6,8:F0} {r.Latency.Percentile(0.5) * 1e3,8:F2} {r.Latency.Percentile(0.99) * 1e3,8:F2} {r.Latency.MaxSeconds * 1e3,8:F2} {s_gc.PauseMs,7:F1} {s_gc.Gen2,5}"));
        s_gc = default;
    }

    // Frames per second of the projector on frames already in memory (best of 3 passes): what the network path costs is the rest.
    private static double Floor(NmfModel model, ushort[] frames)
    {
        using ModelProjector projector = model.CreateProjector();
        int n = frames.Length / model.Pixels.DetectorPixels;
        var h = new float[n * model.Components];
        var residual = new double[n];
        double best = 0;
        for (int pass = 0; pass < 4; pass++)
        {
            var clock = Stopwatch.StartNew();
            projector.Project(frames, h, residual);
            best = Math.Max(best, pass == 0 ? 0 : n / clock.Elapsed.TotalSeconds);
        }

        return best;
    }

    // Frames per second of LiveProjection.Push alone (blocks of 256 frames from memory, no network).
    private static double PushOnly(NmfModel model, ushort[] frames, int positions)
    {
        int length = model.Pixels.DetectorPixels, have = frames.Length / length, block = Math.Min(256, have);
        using var live = new LiveProjection(model, positions / 64, 64);
        var clock = Stopwatch.StartNew();
        for (int first = 0; first + block <= positions; first += block)
        {
            live.Push(frames.AsSpan(0, block * length), first);
        }

        return positions / clock.Elapsed.TotalSeconds;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    // A scan of `count` frames made by cycling a few hundred simulated ones.
    private sealed class CyclingFrames(ushort[] frames, int count, int det)
        : FrameSource("cycled simulation", "memory", "uint16", count / 64, 64, det, det)
    {
        protected override void ReadFramesCore(long first, int n, Span<float> destination)
        {
            int length = FrameLength, have = frames.Length / length;
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<ushort> f = frames.AsSpan((int)((first + i) % have) * length, length);
                Span<float> d = destination.Slice(i * length, length);
                for (int p = 0; p < length; p++)
                {
                    d[p] = f[p];
                }
            }
        }
    }

    // A scan that keeps nothing: the receiver's own speed.
    internal sealed class NullScan(int positions, int det) : ILiveScan
    {
        public int Positions => positions;

        public int DetRows => det;

        public int DetCols => det;

        public void Push(ReadOnlySpan<ushort> frames, long firstPosition)
        {
        }

        public void Push(ReadOnlySpan<float> frames, long firstPosition)
        {
        }

        public void MarkLost(long firstPosition, int count)
        {
        }

        public void Complete()
        {
        }
    }
}
