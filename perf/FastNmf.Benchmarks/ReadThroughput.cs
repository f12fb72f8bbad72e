using System.Diagnostics;
using FastNmf.IO;

namespace FastNmf.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project perf/FastNmf.Benchmarks -- read FILE [--scan-shape RxC]</c>: reads every frame of a
/// file through its reader (as <c>fastnmf factorize</c> does, 4 MiB of float32 at a time) and prints the throughput in
/// file bytes and in float32 bytes, best of three passes (the later ones from the page cache).
/// </summary>
internal static class ReadThroughput
{
    public static void Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: read FILE [--scan-shape RxC]");
            Environment.Exit(2);
        }

        FastNmf.Hdf5.Hdf5Format.Register();
        int at = Array.IndexOf(args, "--scan-shape");
        var options = new FrameSourceOptions { ScanShape = at >= 0 && at + 1 < args.Length ? ScanShape.Parse(args[at + 1]) : null };
        string path = args[0].Split(':')[0];
        // EMPAD: the .xml names the .raw that holds the frames.
        string data = path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) ? FastNmf.IO.Empad.EmpadXml.Read(path).RawPath : path;
        long fileBytes = new FileInfo(data).Length;
        for (int pass = 0; pass < 3; pass++)
        {
            using FrameSource source = FrameFormats.Open(args[0], options);
            int perRead = Math.Max(1, (4 << 20) / (source.FrameLength * sizeof(float)));
            float[] buffer = new float[(long)perRead * source.FrameLength];
            double sum = 0;
            var clock = Stopwatch.StartNew();
            for (long f = 0; f < source.FrameCount; f += perRead)
            {
                int n = (int)Math.Min(perRead, source.FrameCount - f);
                source.ReadFrames(f, n, buffer.AsSpan(0, n * source.FrameLength));
                sum += buffer[0];
            }

            double s = clock.Elapsed.TotalSeconds;
            double floatBytes = (double)source.FrameCount * source.FrameLength * sizeof(float);
            Console.WriteLine($"pass {pass + 1}: {source.Format} {source.SourceDtype}, {source.FrameCount} frames in {s:F3} s: "
                + $"{fileBytes / s / (1 << 20):F0} MiB/s of file, {floatBytes / s / (1 << 20):F0} MiB/s of float32 (check {sum:G3})");
        }
    }
}
