using FastNmf.Numerics;

namespace FastNmf.Tests.Analysis;

/// <summary>Synthetic diffraction-like patterns rendered analytically at any rotation (so a rotated copy is exact, not
/// a resampled image): Gaussian spots at seeded random polar positions on a weak ring.</summary>
internal static class SyntheticPatterns
{
    /// <summary>Spot positions (radius px, angle degrees) and heights from a seed.</summary>
    public static (double Radius, double Degrees, double Height)[] Spots(ulong seed, int count, double minRadius, double maxRadius)
    {
        var rng = new SeededRandom(seed);
        return Enumerable.Range(0, count)
            .Select(_ => (minRadius + ((maxRadius - minRadius) * rng.NextDouble()), 360 * rng.NextDouble(), 0.5 + rng.NextDouble()))
            .ToArray();
    }

    /// <summary>The pattern rotated by <paramref name="degrees"/> counter-clockwise as displayed (row 0 at the top),
    /// about (n/2, n/2): every spot at polar angle φ drawn at φ + degrees.</summary>
    public static float[] Render(int n, (double Radius, double Degrees, double Height)[] spots, double degrees, double sigma = 1.5, double ring = 0.05)
    {
        var img = new float[n * n];
        double c = n / 2;
        for (int r = 0; r < n; r++)
        {
            for (int col = 0; col < n; col++)
            {
                double q = Math.Sqrt(((r - c) * (r - c)) + ((col - c) * (col - c)));
                double v = ring * Math.Exp(-((q - 30) * (q - 30)) / 18.0);
                foreach ((double radius, double phi, double height) in spots)
                {
                    double a = (phi + degrees) * Math.PI / 180;
                    double sr = c - (radius * Math.Sin(a));
                    double sc = c + (radius * Math.Cos(a));
                    double d2 = ((r - sr) * (r - sr)) + ((col - sc) * (col - sc));
                    v += height * Math.Exp(-d2 / (2 * sigma * sigma));
                }

                img[(r * n) + col] = (float)v;
            }
        }

        return img;
    }

    /// <summary>Smallest absolute difference of two angles modulo <paramref name="period"/> degrees.</summary>
    public static double AngleError(double found, double applied, double period = 360)
    {
        double d = (found - applied) % period;
        if (d < 0)
        {
            d += period;
        }

        return Math.Min(d, period - d);
    }
}
