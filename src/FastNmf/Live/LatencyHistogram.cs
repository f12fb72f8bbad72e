using System.Diagnostics;

namespace FastNmf.Live;

/// <summary>
/// Latencies in fixed logarithmic bins (20 per decade from 1 µs to 100 s), so recording costs a few operations and
/// no memory: percentiles are the upper edge of the bin that holds them (within 12 %), the maximum is exact.
/// </summary>
public sealed class LatencyHistogram
{
    private const int PerDecade = 20;
    private const int Decades = 8;
    private const double Floor = 1e-6;

    private readonly long[] _bins = new long[(PerDecade * Decades) + 1];

    /// <summary>Latencies recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The largest latency recorded, in seconds.</summary>
    public double MaxSeconds { get; private set; }

    /// <summary>Records one latency of <paramref name="seconds"/>.</summary>
    public void Record(double seconds)
    {
        int bin = seconds <= Floor ? 0 : (int)Math.Min(_bins.Length - 1, Math.Ceiling(Math.Log10(seconds / Floor) * PerDecade));
        _bins[bin]++;
        Count++;
        MaxSeconds = Math.Max(MaxSeconds, seconds);
    }

    /// <summary>Records the time from <paramref name="fromTimestamp"/> to <paramref name="toTimestamp"/> (<see cref="Stopwatch"/> ticks).</summary>
    public void Record(long fromTimestamp, long toTimestamp) => Record((double)(toTimestamp - fromTimestamp) / Stopwatch.Frequency);

    /// <summary>The latency below which <paramref name="fraction"/> of all lie (0.5: the median), in seconds; 0 when empty.</summary>
    public double Percentile(double fraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1);
        if (Count == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(fraction * Count));
        long seen = 0;
        for (int b = 0; b < _bins.Length; b++)
        {
            seen += _bins[b];
            if (seen >= rank)
            {
                return Math.Min(MaxSeconds, Floor * Math.Pow(10, (double)b / PerDecade));
            }
        }

        return MaxSeconds;
    }
}
