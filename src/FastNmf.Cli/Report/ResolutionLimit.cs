namespace FastNmf.Cli.Report;

/// <summary>
/// The resolution limit drawn on the maps' Fourier transforms (the dotted circle of the paper's Fig. 5b): the spatial
/// frequency, in cycles per scan step, at which the transfer function of the map kernel g — the factor
/// |G(f)| = |Σ g[i, j] e^{−2πi (f_r i + f_c j)}| / Σ g by which [·]_H scales each Fourier component of a map — falls to
/// one half, averaged over directions. Outside it, the kernel passes less than half the amplitude: what remains there
/// in an unconstrained map is mostly noise. A Gaussian kernel from the probe FWHM (the paper's 2 nm probe at 1.5 nm
/// steps) gives 0.36 cycles per step (a period of 2.8 steps). A kernel that keeps more than half up to the Nyquist
/// frequency (0.5) has no limit inside the transform.
/// </summary>
internal static class ResolutionLimit
{
    /// <summary>The transfer level that defines the limit.</summary>
    public const double Level = 0.5;

    private const int Directions = 90;
    private const double Step = 0.0005;

    /// <summary>The limit in cycles per scan step, or null when the transfer stays above <see cref="Level"/> up to 0.5.</summary>
    /// <param name="weights">The square kernel, <paramref name="size"/> × <paramref name="size"/>, row-major, odd size.</param>
    /// <param name="size">Kernel side.</param>
    public static double? CyclesPerStep(ReadOnlySpan<float> weights, int size)
    {
        if (size < 1 || size % 2 == 0 || weights.Length != size * size)
        {
            throw new ArgumentException($"a kernel must be odd and square; got {weights.Length} weights for size {size}.", nameof(weights));
        }

        double total = 0;
        foreach (float w in weights)
        {
            total += w;
        }

        if (!(total > 0))
        {
            return null;
        }

        double previous = 1;
        for (double f = Step; f <= 0.5 + 1e-12; f += Step)
        {
            double t = MeanTransfer(weights, size, f) / total;
            if (t <= Level)
            {
                // Linear interpolation between the last grid point above the level and this one.
                return f - (Step * (Level - t) / (previous - t));
            }

            previous = t;
        }

        return null;
    }

    /// <summary>|G| at radius <paramref name="f"/> (cycles per step), averaged over directions in [0, π); not normalised.</summary>
    internal static double MeanTransfer(ReadOnlySpan<float> weights, int size, double f)
    {
        int radius = size / 2;
        double sum = 0;
        for (int d = 0; d < Directions; d++)
        {
            double theta = Math.PI * d / Directions;
            double fr = f * Math.Sin(theta);
            double fc = f * Math.Cos(theta);
            double re = 0, im = 0;
            for (int i = 0; i < size; i++)
            {
                for (int j = 0; j < size; j++)
                {
                    double phase = -2 * Math.PI * ((fr * (i - radius)) + (fc * (j - radius)));
                    double w = weights[(i * size) + j];
                    re += w * Math.Cos(phase);
                    im += w * Math.Sin(phase);
                }
            }

            sum += Math.Sqrt((re * re) + (im * im));
        }

        return sum / Directions;
    }
}
