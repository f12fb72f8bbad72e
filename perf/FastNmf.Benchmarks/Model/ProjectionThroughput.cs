using System.Diagnostics;

namespace FastNmf.Benchmarks.Model;

/// <summary>
/// <c>-- project [--k 30] [--det 128] [--frames 8192]</c>: frames/s of the block projector (one per thread, 1 and 2
/// threads) and of the whole-scan projection, float32 and uint16, best of 5 — the numbers the README quotes, next to
/// the memory bandwidth the frames would need.
/// </summary>
internal static class ProjectionThroughput
{
    public static void Run(string[] args)
    {
        int k = Int(args, "--k", 30), det = Int(args, "--det", 128), frames = Int(args, "--frames", 8192);
        NmfModel model = ProjectionSetup.Model(k, det);
        (float[] f32, ushort[] u16) = ProjectionSetup.Frames(frames, det, seed: 2);
        int pixels = det * det;
        Console.WriteLine($"projection, k = {k}, {det}×{det} frames, {frames} frames per pass, {Environment.ProcessorCount} cores: {model.Kernels.Describe()}");
        foreach (int threads in new[] { 1, 2 })
        {
            var projectors = Enumerable.Range(0, threads).Select(_ => model.CreateProjector(256)).ToArray();
            var h = Enumerable.Range(0, threads).Select(_ => new float[frames * k]).ToArray();
            var r = Enumerable.Range(0, threads).Select(_ => new double[frames]).ToArray();
            int per = frames / threads;
            double f = Best(() => Parallel.For(0, threads, t => projectors[t].Project(f32.AsSpan(t * per * pixels, per * pixels), h[t].AsSpan(0, per * k), r[t].AsSpan(0, per))));
            double u = Best(() => Parallel.For(0, threads, t => projectors[t].Project(u16.AsSpan(t * per * pixels, per * pixels), h[t].AsSpan(0, per * k), r[t].AsSpan(0, per))));
            Console.WriteLine($"  projector, {threads} thread(s): float32 {frames / f:F0} frames/s ({frames * pixels * 4.0 / f / 1e9:F1} GB/s of frames), uint16 {frames / u:F0} frames/s ({frames * pixels * 2.0 / u / 1e9:F1} GB/s)");
            foreach (ModelProjector p in projectors)
            {
                p.Dispose();
            }
        }

        int cols = 64;
        using var source = new IO.ArrayFrameSource(new Data.Dataset4D(f32, frames / cols, cols, det, det));
        using Data.UnfoldedData xf = Data.XReader.ReadFloat32(source, null, false, false, null);
        using Data.UnfoldedData xu = Data.XReader.ReadCounts(source, null, false, null);
        double wf = Best(() => model.Project(xf, 2));
        double wu = Best(() => model.Project(xu, 2));
        Console.WriteLine($"  whole scan ({frames / cols}×{cols}, [·]_H over the maps), 2 threads: float32 {frames / wf:F0} frames/s, uint16 {frames / wu:F0} frames/s");
    }

    private static double Best(Action action)
    {
        action();
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        return best;
    }

    private static int Int(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
