namespace FastNmf.Tests.TestSupport;

/// <summary>Hand-made diffraction patterns for the constraint tests.</summary>
internal static class Patterns
{
    /// <summary>Smooth rotationally symmetric rings (Gaussian radial profiles, σ in pixels) about (n/2, n/2).</summary>
    public static float[] Rings(int n, double sigma)
    {
        var img = new float[n * n];
        double c = n / 2;
        for (int r = 0; r < n; r++)
        {
            for (int col = 0; col < n; col++)
            {
                double q = Math.Sqrt(((r - c) * (r - c)) + ((col - c) * (col - c)));
                img[(r * n) + col] = (float)(0.2 + Math.Exp(-((q - 12) * (q - 12)) / (2 * sigma * sigma)) + (0.6 * Math.Exp(-((q - 24) * (q - 24)) / (2 * sigma * sigma))));
            }
        }

        return img;
    }

    /// <summary>Adds a Gaussian spot (σ = 1 px) of the given height at (row, col).</summary>
    public static void AddSpot(float[] img, int n, double row, double col, double height, double sigma = 1.0)
    {
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                double d2 = ((r - row) * (r - row)) + ((c - col) * (c - col));
                img[(r * n) + c] += (float)(height * Math.Exp(-d2 / (2 * sigma * sigma)));
            }
        }
    }

    /// <summary>Multiplies a disc of radius <paramref name="radius"/> at (row, col) by <paramref name="factor"/> (a dark spot).</summary>
    public static void CutSpot(float[] img, int n, double row, double col, double radius, double factor)
    {
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                if (((r - row) * (r - row)) + ((c - col) * (c - col)) <= radius * radius)
                {
                    img[(r * n) + c] *= (float)factor;
                }
            }
        }
    }
}
