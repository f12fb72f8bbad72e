namespace FastNmf.Data;

/// <summary>
/// Finds the direct-beam disc in the mean diffraction pattern: with t the threshold fraction (default 0.1) and P the
/// pattern's maximum, the centre is the intensity-weighted centre of mass of the pixels at or above t·P (the bright
/// disc, so diffuse rings and Bragg spots elsewhere do not pull it), and the radius is the first whole radius r (rings of
/// pixels whose distance from the centre rounds to r) whose ring mean falls below t·P. The disc masks every pixel within
/// that radius, which includes half a ring of margin around the edge.
/// </summary>
public static class DirectBeamFinder
{
    /// <summary>The default threshold fraction t.</summary>
    public const double DefaultThreshold = 0.1;

    /// <summary>The disc found in <paramref name="stats"/>' mean pattern.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">the mean pattern is zero everywhere.</exception>
    public static (double CentreRow, double CentreCol, double Radius) Find(DetectorStatistics stats, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(stats);
        if (!(threshold > 0 && threshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the direct-beam threshold is a fraction of the peak, between 0 and 1 (exclusive).");
        }

        double[] m = stats.Mean;
        int rows = stats.DetRows, cols = stats.DetCols;
        double peak = m.Max();
        if (!(peak > 0))
        {
            throw new ArgumentException("the mean diffraction pattern is zero everywhere; there is no direct beam to find.", nameof(stats));
        }

        double level = threshold * peak;
        double weight = 0, sr = 0, sc = 0;
        for (int i = 0; i < m.Length; i++)
        {
            if (m[i] >= level)
            {
                weight += m[i];
                sr += m[i] * (i / cols);
                sc += m[i] * (i % cols);
            }
        }

        double cr = sr / weight, cc = sc / weight;
        int maxRadius = (int)Math.Ceiling(Math.Sqrt((double)(rows * rows) + (cols * cols)));
        var ringSum = new double[maxRadius + 1];
        var ringCount = new int[maxRadius + 1];
        for (int i = 0; i < m.Length; i++)
        {
            int ring = (int)Math.Round(Math.Sqrt(Math.Pow((i / cols) - cr, 2) + Math.Pow((i % cols) - cc, 2)));
            ringSum[ring] += m[i];
            ringCount[ring]++;
        }

        int radius = 0;
        while (radius < maxRadius && (ringCount[radius] == 0 || ringSum[radius] / ringCount[radius] >= level))
        {
            radius++;
        }

        return (cr, cc, radius);
    }
}
