using System.Diagnostics;
using FastNmf.Kernels.Threading;

namespace FastNmf.Benchmarks;

/// <summary>
/// <c>-- team</c>: how long one <see cref="WorkerTeam.Run"/> of trivial work takes when the calling thread was busy
/// for a while before it (the worker may have gone to sleep): the fixed cost of every parallel step of an iteration.
/// </summary>
internal static class TeamLatency
{
    public static void Run()
    {
        using var team = new WorkerTeam(Math.Max(2, Environment.ProcessorCount));
        var work = new Nothing();
        foreach (int busyMicroseconds in new[] { 0, 20, 100, 300, 1000 })
        {
            var times = new List<double>();
            for (int i = 0; i < 2000; i++)
            {
                Busy(busyMicroseconds);
                long t0 = Stopwatch.GetTimestamp();
                team.Run(work, 2);
                times.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
            }

            times.Sort();
            Console.WriteLine($"after {busyMicroseconds,5} µs busy: median {times[times.Count / 2],7:F1} µs, 90th percentile {times[times.Count * 9 / 10],7:F1} µs");
        }
    }

    private static void Busy(int microseconds)
    {
        long end = Stopwatch.GetTimestamp() + (microseconds * Stopwatch.Frequency / 1_000_000);
        while (Stopwatch.GetTimestamp() < end)
        {
        }
    }

    private sealed class Nothing : ITeamWork
    {
        public void Execute(int part, int start, int end)
        {
        }
    }
}
