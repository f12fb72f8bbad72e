namespace FastNmf.Data;

/// <summary>
/// Dead and hot detector pixels, from the per-pixel statistics over all frames. Dead: zero in every frame. Hot: a mean
/// above F (default 10) times the larger of the median of its (up to 8) neighbours' means and the median of all pixels'
/// means — a lone pixel far brighter than its surroundings. Comparing with the neighbours keeps the direct beam and
/// Bragg discs (whose neighbours are bright too) unmasked; the detector-wide median keeps a sparse dark region, where a
/// neighbourhood median is 0, from flagging every pixel that caught an electron.
/// </summary>
public static class DeadHotPixels
{
    /// <summary>The default factor F.</summary>
    public const double DefaultHotFactor = 10;

    /// <summary>The mask (true = dead or hot) and how many of each.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hotFactor"/> is not above 1.</exception>
    public static (bool[] Masked, int Dead, int Hot) Find(DetectorStatistics stats, double hotFactor = DefaultHotFactor)
    {
        ArgumentNullException.ThrowIfNull(stats);
        if (!(hotFactor > 1) || double.IsInfinity(hotFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(hotFactor), hotFactor, "the hot-pixel factor must be a finite number above 1.");
        }

        double[] m = stats.Mean;
        int rows = stats.DetRows, cols = stats.DetCols;
        double global = Median([.. m]);
        var masked = new bool[m.Length];
        int dead = 0, hot = 0;
        Span<double> neighbours = stackalloc double[8];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                int i = (r * cols) + c;
                if (!stats.EverNonZero[i])
                {
                    masked[i] = true;
                    dead++;
                    continue;
                }

                int n = 0;
                for (int dr = -1; dr <= 1; dr++)
                {
                    for (int dc = -1; dc <= 1; dc++)
                    {
                        int rr = r + dr, cc = c + dc;
                        if ((dr != 0 || dc != 0) && rr >= 0 && rr < rows && cc >= 0 && cc < cols)
                        {
                            neighbours[n++] = m[(rr * cols) + cc];
                        }
                    }
                }

                double reference = Math.Max(n > 0 ? Median(neighbours[..n].ToArray()) : 0, global);
                // With no reference level (more than half the detector never hit) nothing can be called hot.
                if (reference > 0 && m[i] > hotFactor * reference)
                {
                    masked[i] = true;
                    hot++;
                }
            }
        }

        return (masked, dead, hot);
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        int h = values.Length / 2;
        return values.Length % 2 == 1 ? values[h] : 0.5 * (values[h - 1] + values[h]);
    }
}
