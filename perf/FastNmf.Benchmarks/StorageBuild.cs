using System.Diagnostics;
using System.Globalization;
using FastNmf.Storage;

namespace FastNmf.Benchmarks;

/// <summary>
/// <c>-- storage [--frames 16384] [--det 128]</c>: how fast the sparse copies of uint16 X are built (the "storage"
/// phase of a factorization): the copy across pixels (rows = frames, for W·Xᵀ) and across frames (rows = pixels, for
/// H·X), uint16 values from counts in memory, a third of them nonzero as in the simulated sets
/// (<see cref="SparseSpanBuilder"/>). Best of three.
/// </summary>
internal static unsafe class StorageBuild
{
    public static void Run(string[] args)
    {
        int frames = Option(args, "--frames", 16384), det = Option(args, "--det", 128), pixels = det * det;
        var counts = new ushort[(long)frames * pixels];
        uint state = 12345;
        for (long i = 0; i < counts.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            counts[i] = state % 3 == 0 ? (ushort)(1 + ((state >> 8) % 20)) : (ushort)0;
        }

        double gb = (double)counts.Length * 2 / 1e9;
        (int Start, int Count)[] canonical = [.. Enumerable.Range(0, (frames + 255) / 256).Select(b => (b * 256, Math.Min(256, frames - (b * 256))))];
        fixed (ushort* data = counts)
        {
            ushort* p = data;
            int[] spans = SparseSpanLayout.Nested(canonical, out _);
            double f = Best(() => SparseSpanBuilder.AcrossPixels<ushort, ushort>(p, pixels, frames, pixels).Dispose());
            double px = Best(() => SparseSpanBuilder.AcrossFrames<ushort, ushort>(p, pixels, frames, pixels, spans).Dispose());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{frames} frames of {det}²: across pixels {f:F3} s ({gb / f:F2} GB/s of uint16), across frames {px:F3} s ({gb / px:F2} GB/s); {Environment.ProcessorCount} cores"));
        }
    }

    private static double Best(Action build)
    {
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            build();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }

        return best;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
