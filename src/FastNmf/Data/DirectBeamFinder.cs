namespace FastNmf.Data;

/// <summary>
/// Finds the direct-beam disc in the mean diffraction pattern. Lone bright pixels (hot pixels, stray counts) must not
/// pull it, so the pattern is first eroded (each pixel replaced by the minimum of its 3×3 neighbourhood, which a lone
/// pixel does not survive but a disc of radius ≥ 1.5 does): with t the threshold fraction (default 0.1) and P the eroded
/// pattern's maximum, the centre is the intensity-weighted centre of mass of the pixels whose eroded value is at least
/// t·P (the disc's core, symmetric about its centre), and the radius is the first whole radius r whose ring (pixels
/// whose distance from the centre rounds to r) has a median below t·P. The disc masks every pixel within that radius,
/// which includes half a ring of margin around the edge. Pixels flagged as excluded (dead/hot, a mask file) take no part.
/// A beam too small to survive the erosion falls back to the plain maximum.
/// </summary>
public static class DirectBeamFinder
{
    /// <summary>The default threshold fraction t.</summary>
    public const double DefaultThreshold = 0.1;

    /// <summary>The disc found in <paramref name="stats"/>' mean pattern.</summary>
    /// <param name="stats">The detector statistics (mean pattern).</param>
    /// <param name="threshold">The fraction t of the peak that bounds the disc.</param>
    /// <param name="excluded">Pixels to leave out (true = excluded), e.g. dead and hot pixels; null for none.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">the mean pattern is zero everywhere (outside the excluded pixels), or
    /// <paramref name="excluded"/> is not one flag per pixel.</exception>
    public static (double CentreRow, double CentreCol, double Radius) Find(DetectorStatistics stats, double threshold = DefaultThreshold, bool[]? excluded = null)
    {
        ArgumentNullException.ThrowIfNull(stats);
        if (!(threshold > 0 && threshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the direct-beam threshold is a fraction of the peak, between 0 and 1 (exclusive).");
        }

        int rows = stats.DetRows, cols = stats.DetCols;
        if (excluded is not null && excluded.Length != rows * cols)
        {
            throw new ArgumentException($"{excluded.Length} exclusion flags for a {rows}×{cols} detector.", nameof(excluded));
        }

        double[] m = stats.Mean;
        bool Used(int i) => excluded is null || !excluded[i];
        double[] eroded = Erode(m, rows, cols, Used);
        double peak = Max(eroded, Used);
        bool core = peak > 0;
        if (!core)
        {
            peak = Max(m, Used);
        }

        if (!(peak > 0))
        {
            throw new ArgumentException("the mean diffraction pattern is zero everywhere; there is no direct beam to find.", nameof(stats));
        }

        double level = threshold * peak;
        double weight = 0, sr = 0, sc = 0;
        for (int i = 0; i < m.Length; i++)
        {
            if (Used(i) && (core ? eroded[i] : m[i]) >= level)
            {
                weight += m[i];
                sr += m[i] * (i / cols);
                sc += m[i] * (i % cols);
            }
        }

        double cr = sr / weight, cc = sc / weight;
        int maxRadius = (int)Math.Ceiling(Math.Sqrt((double)(rows * rows) + (cols * cols)));
        var rings = new List<double>[maxRadius + 1];
        for (int i = 0; i < m.Length; i++)
        {
            if (Used(i))
            {
                int ring = (int)Math.Round(Math.Sqrt(Math.Pow((i / cols) - cr, 2) + Math.Pow((i % cols) - cc, 2)));
                (rings[ring] ??= []).Add(m[i]);
            }
        }

        int radius = 0;
        while (radius < maxRadius && (rings[radius] is null || Median(rings[radius]) >= level))
        {
            radius++;
        }

        return (cr, cc, radius);
    }

    // Minimum over each pixel's 3×3 neighbourhood (inside the detector, used pixels only; a pixel with no used
    // neighbour but itself keeps its value only if it is used, else 0).
    private static double[] Erode(double[] m, int rows, int cols, Func<int, bool> used)
    {
        var e = new double[m.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                double min = double.PositiveInfinity;
                for (int dr = -1; dr <= 1; dr++)
                {
                    for (int dc = -1; dc <= 1; dc++)
                    {
                        int rr = r + dr, cc = c + dc;
                        if (rr >= 0 && rr < rows && cc >= 0 && cc < cols && used((rr * cols) + cc))
                        {
                            min = Math.Min(min, m[(rr * cols) + cc]);
                        }
                    }
                }

                e[(r * cols) + c] = double.IsPositiveInfinity(min) ? 0 : min;
            }
        }

        return e;
    }

    private static double Max(double[] v, Func<int, bool> used)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < v.Length; i++)
        {
            if (used(i) && v[i] > max)
            {
                max = v[i];
            }
        }

        return max;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[(n / 2) - 1] + values[n / 2]);
    }
}
