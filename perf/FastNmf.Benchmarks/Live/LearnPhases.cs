using System.Diagnostics;
using System.Globalization;
using FastNmf.Benchmarks.Model;
using FastNmf.Data;
using FastNmf.Live;

namespace FastNmf.Benchmarks.Live;

/// <summary>
/// <c>-- live-learn [--frames 8192] [--k 30] [--det 128] [--warm-up]</c>: where a learning scan's time goes, in memory (no
/// network), one scan row (64 frames) per push as a detector delivers them. Each push is timed and charged to what it
/// did, read from the learner's counters: the start (the batch protocol on the first rows), plain pushes (h and the
/// statistics), pushes that refreshed W, pushes that also made a pass over the frames so far; then Complete (the last
/// refresh and the final passes). The stream rate is frames over the pushes' time; the whole rate includes Complete.
/// </summary>
internal static class LearnPhases
{
    public static void Run(string[] args)
    {
        int frames = Option(args, "--frames", 8192), k = Option(args, "--k", 30), det = Option(args, "--det", 128);
        (_, ushort[] seed) = ProjectionSetup.Frames(1024, det, 1);
        var options = new LiveLearnOptions { Batch = new NmfOptions { Components = k, Seed = 1 }, FinishIterations = 0 };
        // The first scan of the process pays the JIT (unless --warm-up) and the first touch of its memory; the second does not.
        if (args.Contains("--warm-up"))
        {
            long w0 = Stopwatch.GetTimestamp();
            LiveLearnerWarmUp.Run(options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LiveLearnerWarmUp.Run (as fastnmf live --learn before it connects): {Stopwatch.GetElapsedTime(w0).TotalSeconds:F3} s"));
        }

        foreach (string round in new[] { "first scan of the process", "second scan" })
        {
            Once(seed, frames, det, k, options, round);
        }

        StartAlone(seed, options.StartFrames > 0 ? options.StartFrames : Math.Max(8 * k, 512), det, k, options.StartIterations);
    }

    private static void Once(ushort[] seed, int frames, int det, int k, LiveLearnOptions options, string round)
    {
        const int cols = 64;
        int pixels = det * det, have = seed.Length / pixels;
        using var learner = new LiveLearner(PixelMap.Create(det, det), frames / cols, cols, options);
        var row = new ushort[cols * pixels];
        double start = 0, plain = 0, refresh = 0, pass = 0;
        int plainPushes = 0, refreshes = 0, passes = 0;
        for (int first = 0; first < frames; first += cols)
        {
            for (int j = 0; j < cols; j++)
            {
                seed.AsSpan(((first + j) % have) * pixels, pixels).CopyTo(row.AsSpan(j * pixels));
            }

            bool hadModel = learner.HasModel;
            int r0 = learner.Refreshes, p0 = learner.Repasses;
            long t0 = Stopwatch.GetTimestamp();
            learner.Push(row, first);
            double s = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if (!hadModel)
            {
                start += s; // the start rows' pushes, the start itself in the last one
            }
            else if (learner.Repasses > p0)
            {
                pass += s;
                passes += learner.Repasses - p0;
            }
            else if (learner.Refreshes > r0)
            {
                refresh += s;
                refreshes += learner.Refreshes - r0;
            }
            else
            {
                plain += s;
                plainPushes++;
            }
        }

        long c0 = Stopwatch.GetTimestamp();
        learner.Complete();
        double complete = Stopwatch.GetElapsedTime(c0).TotalSeconds;
        double stream = start + plain + refresh + pass;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"learn k = {k}, {det}² frames, {frames} frames ({frames / cols} rows of {cols}), in memory, {round}; {Environment.ProcessorCount} cores; {learner.Model!.Kernels.Describe()}"));
        Console.WriteLine($"{"phase",-44} {"seconds",8} {"share",6}");
        Line($"start ({learner.StartPositions} frames, batch protocol)", start, stream);
        Line($"plain pushes ({plainPushes} × {cols} frames)", plain, stream);
        Line($"pushes with a refresh ({refreshes} refreshes)", refresh, stream);
        Line($"pushes with passes ({passes} passes)", pass, stream);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"stream",-44} {stream,8:F3}        {frames / stream,8:F0} frames/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"complete (last refresh + final passes)",-44} {complete,8:F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"whole",-44} {stream + complete,8:F3}        {frames / (stream + complete),8:F0} frames/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"per plain frame (h + statistics)",-44} {plain / Math.Max(1, plainPushes * cols) * 1e6,8:F1} µs   {plainPushes * cols / Math.Max(1e-9, plain),8:F0} frames/s"));
    }

    // The start alone (warm): the batch protocol (one restart) on the start rows, its set-up apart from its iterations.
    private static void StartAlone(ushort[] seed, int frames, int det, int k, int iterations)
    {
        int pixels = det * det, cols = 64, rows = frames / cols;
        var values = new float[(long)rows * cols * pixels];
        for (long i = 0; i < values.Length; i++)
        {
            values[i] = seed[i % seed.Length];
        }

        using var counts = new RecordedFrames<ushort>(rows, cols, det, det);
        counts.Write(values.Select(v => (ushort)v).ToArray(), 0);
        using UnfoldedData x = UnfoldedData.CreateCounts(counts.FirstRows(rows));
        var stamps = new List<long>();
        long t0 = Stopwatch.GetTimestamp();
        Factorizer.Run(x, new NmfOptions { Components = k, Seed = 1, Iterations = iterations, Restarts = 1 }, s => stamps.Add(Stopwatch.GetTimestamp()));
        double total = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        double first = Stopwatch.GetElapsedTime(t0, stamps[0]).TotalSeconds;
        double per = Stopwatch.GetElapsedTime(stamps[0], stamps[^1]).TotalSeconds / Math.Max(1, stamps.Count - 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"start alone (uint16 frames): {total:F3} s = {first:F3} s to the first iteration's end + {stamps.Count - 1} × {per * 1e3:F2} ms"));
    }

    private static void Line(string what, double seconds, double total) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-44} {seconds,8:F3} {seconds / total,6:P0}"));

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
