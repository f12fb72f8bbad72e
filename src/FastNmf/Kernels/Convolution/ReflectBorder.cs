namespace FastNmf.Kernels.Convolution;

/// <summary>
/// Border-offset tables for "reflect" borders (half-sample symmetric, <c>d c b a | a b c d | d c b a</c>, SciPy
/// ndimage's <c>mode='reflect'</c>): a constant map stays constant and the map's total is preserved by a normalised
/// kernel. Built once per (length, radius); folds repeatedly, so maps narrower than the kernel are exact too.
/// </summary>
internal static class ReflectBorder
{
    /// <summary>Table of <c>length × (2·radius + 1)</c> source indices: entry [i, t] is the sample for output i, tap t.</summary>
    public static int[] Table(int length, int radius)
    {
        int taps = (2 * radius) + 1;
        var table = new int[length * taps];
        for (int i = 0; i < length; i++)
        {
            for (int t = 0; t < taps; t++)
            {
                table[(i * taps) + t] = Fold(i + t - radius, length);
            }
        }

        return table;
    }

    /// <summary>Index <paramref name="i"/> folded into [0, n) with half-sample symmetric reflection.</summary>
    public static int Fold(int i, int n)
    {
        int period = 2 * n;
        int m = ((i % period) + period) % period;
        return m < n ? m : period - 1 - m;
    }
}
