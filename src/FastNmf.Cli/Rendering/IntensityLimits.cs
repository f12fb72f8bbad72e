namespace FastNmf.Cli.Rendering;

/// <summary>Colour limits of one tile (or of all tiles when shared): the minimum and a high percentile.</summary>
internal readonly record struct IntensityLimits(double Low, double High)
{
    // The high limit is a percentile rather than the max: a single hot pixel (central beam,
    // detector defect, one strong Bragg spot) would otherwise push everything else to black.
    internal const double HighPercentile = 99.5;

    internal static IntensityLimits Compute(ReadOnlySpan<float> values)
    {
        var finite = new float[values.Length];
        int n = 0;
        foreach (float v in values)
        {
            if (float.IsFinite(v))
            {
                finite[n++] = v;
            }
        }

        if (n == 0)
        {
            return new IntensityLimits(0, 0);
        }

        Span<float> sorted = finite.AsSpan(0, n);
        sorted.Sort();
        double low = sorted[0];
        double position = HighPercentile / 100.0 * (n - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, n - 1);
        double high = sorted[below] + (position - below) * (sorted[above] - sorted[below]);
        if (high <= low)
        {
            // Mostly-constant image with a few outliers (e.g. zeros and some spots): the
            // percentile collapses onto the minimum, so fall back to the max to show anything.
            high = sorted[n - 1];
        }

        return new IntensityLimits(low, high);
    }
}
