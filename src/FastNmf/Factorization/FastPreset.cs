namespace FastNmf;

/// <summary>
/// The fast mode (<c>fastnmf factorize --fast</c>): the exact protocol's options with two levers on — restarts pruned
/// after a trial (<see cref="NmfOptions.TrialIterations"/>) and a warm start from the scan binned 2 × 2
/// (<see cref="NmfOptions.CoarseScan"/>) — chosen by measurement against the exact protocol (<c>perf/FastNmf.Benchmarks
/// -- fast</c>, README "Fast mode"): on the paper's set and on k = 30 sets the final MSE within 10⁻⁶ of the exact run's
/// and the same recovery, in a tenth of its time. Options the caller set explicitly win over the preset's.
/// </summary>
public static class FastPreset
{
    /// <summary>Iterations every restart runs before all but the best are pruned.</summary>
    public const int TrialIterations = 30;

    /// <summary>Scan positions binned a side for the warm start (at least; see <see cref="CoarseFactor"/>).</summary>
    public const int CoarseScan = 2;

    /// <summary>The coarse scan holds at most this many positions: larger scans are binned 4, 8, … a side (a 512×512 scan
    /// 4 × 4 to 128 × 128), so the coarse stage's cost stays that of a 128 × 128 scan.</summary>
    public const int MaxCoarsePositions = 128 * 128;

    /// <summary>The factor the preset bins a <paramref name="scanRows"/> × <paramref name="scanCols"/> scan by: the
    /// smallest power of two from <see cref="CoarseScan"/> on that leaves at most <see cref="MaxCoarsePositions"/>.</summary>
    public static int CoarseFactor(int scanRows, int scanCols)
    {
        int f = CoarseScan;
        while ((long)(scanRows / f) * (scanCols / f) > MaxCoarsePositions)
        {
            f *= 2;
        }

        return f;
    }

    /// <summary>Iterations on the full scan after the warm start.</summary>
    public const int FineIterations = 50;

    /// <summary>The coarse scan must keep at least this many positions per component (and 8 × 8): below that the preset
    /// runs on the full scan only.</summary>
    public const int CoarsePositionsPerComponent = 10;

    /// <summary>
    /// <paramref name="options"/> with the fast levers for a <paramref name="scanRows"/> × <paramref name="scanCols"/>
    /// scan: the trial when there are several restarts and room for it; the coarse warm start when the binned scan keeps
    /// enough positions (see <see cref="CoarsePositionsPerComponent"/>), the map kernel has a width to scale, and the run
    /// is one process (<paramref name="distributed"/> false). A lever the options already set is left as it is, and so are
    /// <see cref="NmfOptions.RestartsKept"/> and <see cref="NmfOptions.FineIterations"/> (their defaults are the preset's:
    /// one restart kept, <see cref="FineIterations"/> at full resolution).
    /// </summary>
    public static NmfOptions Apply(NmfOptions options, int scanRows, int scanCols, bool distributed = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        NmfOptions o = options;
        int factor = CoarseFactor(scanRows, scanCols);
        long coarsePositions = (long)(scanRows / factor) * (scanCols / factor);
        if (o.CoarseScan is null && !distributed && o.MapKernelScales && o.Iterations > o.FineIterations + (o.TrialIterations ?? TrialIterations) + 1
            && scanRows / factor >= 8 && scanCols / factor >= 8 && coarsePositions >= (long)CoarsePositionsPerComponent * o.Components)
        {
            o = o with { CoarseScan = factor };
        }

        int room = o.CoarseScan is null ? o.Iterations : o.Iterations - o.FineIterations;
        if (o.TrialIterations is null && o.Restarts > 1 && room > TrialIterations)
        {
            o = o with { TrialIterations = TrialIterations };
        }

        return o;
    }
}
