namespace FastNmf.Kernels.Polar;

/// <summary>
/// Precomputed geometry of the bilinear r–φ transform of a detector image about a centre, as structure-of-arrays so a
/// vector kernel loads 8 samples' geometry at once. Polar sample s (radius r = 0..nR−1 pixels, angle φ = 2π·p/nφ
/// counter-clockwise as displayed, i.e. row = c_r − r·sin φ, col = c_c + r·cos φ, s = r·nφ + p) interpolates the 2×2
/// pixels starting at <see cref="Base"/>[s] with fractions <see cref="Fy"/>/<see cref="Fx"/>; samples on the last row or
/// column are shifted one pixel in with fraction 1, so all four taps are always inside the image. <see cref="Valid"/>
/// marks samples inside the detector and away from masked pixels. For the way back, every detector pixel has the
/// integer radius below it and the fraction to the next (<see cref="PixelFloor"/>, <see cref="PixelFraction"/>); pixels
/// beyond the largest radius and masked ones point at the sentinel radius <c>nR</c>, whose baseline never raises
/// anything. Built once per (detector, centre, nR, nφ, mask); the iteration loop only gathers.
/// </summary>
internal sealed class PolarSamplingMap
{
    public PolarSamplingMap(int detRows, int detCols, double centreRow, double centreCol, int radii, int phiSamples, ReadOnlySpan<bool> masked)
    {
        if (radii < 2 || phiSamples < 4 || detRows < 2 || detCols < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(phiSamples), "the polar transform needs at least 2 radii, 4 angles and a 2×2 detector.");
        }

        DetRows = detRows;
        DetCols = detCols;
        Radii = radii;
        PhiSamples = phiSamples;
        int n = radii * phiSamples;
        Base = new int[n];
        Fy = new float[n];
        Fx = new float[n];
        Valid = new bool[n];
        for (int r = 0; r < radii; r++)
        {
            for (int p = 0; p < phiSamples; p++)
            {
                double phi = 2 * Math.PI * p / phiSamples;
                int s = (r * phiSamples) + p;
                Place(s, centreRow - (r * Math.Sin(phi)), centreCol + (r * Math.Cos(phi)), masked);
            }
        }

        ValidCount = new int[radii];
        for (int r = 0; r < radii; r++)
        {
            ValidCount[r] = Valid.AsSpan(r * phiSamples, phiSamples).Count(true);
        }

        PixelFloor = new int[detRows * detCols];
        PixelFraction = new float[detRows * detCols];
        for (int row = 0; row < detRows; row++)
        {
            for (int col = 0; col < detCols; col++)
            {
                int i = (row * detCols) + col;
                double rho = Math.Sqrt(((row - centreRow) * (row - centreRow)) + ((col - centreCol) * (col - centreCol)));
                int r0 = Math.Min((int)Math.Floor(rho), radii - 2);
                bool inRange = rho <= radii - 1;
                bool active = inRange && (masked.IsEmpty || !masked[i]);
                PixelFloor[i] = active ? r0 : radii;
                PixelFraction[i] = active ? (float)(rho - r0) : 0f;
            }
        }
    }

    public int DetRows { get; }

    public int DetCols { get; }

    public int Radii { get; }

    public int PhiSamples { get; }

    /// <summary>Top-left pixel (row-major detector index) of each sample's 2×2 neighbourhood.</summary>
    public int[] Base { get; }

    /// <summary>Row fraction within the neighbourhood, [0, 1].</summary>
    public float[] Fy { get; }

    /// <summary>Column fraction within the neighbourhood, [0, 1].</summary>
    public float[] Fx { get; }

    /// <summary>Whether the sample lies inside the detector and away from masked pixels.</summary>
    public bool[] Valid { get; }

    /// <summary>Number of valid samples on each radius.</summary>
    public int[] ValidCount { get; }

    /// <summary>Per detector pixel: the integer radius below it, or <see cref="Radii"/> (the sentinel) when inactive.</summary>
    public int[] PixelFloor { get; }

    /// <summary>Per detector pixel: the fraction from <see cref="PixelFloor"/> to the next radius.</summary>
    public float[] PixelFraction { get; }

    private void Place(int s, double y, double x, ReadOnlySpan<bool> masked)
    {
        int y0 = (int)Math.Floor(y);
        int x0 = (int)Math.Floor(x);
        double fy = y - y0;
        double fx = x - x0;

        // Shift samples on the last row/column one pixel in (fraction 1): the same value, all taps in range.
        if (y0 == DetRows - 1 && fy == 0)
        {
            y0--;
            fy = 1;
        }

        if (x0 == DetCols - 1 && fx == 0)
        {
            x0--;
            fx = 1;
        }

        bool valid = y0 >= 0 && y0 + 1 < DetRows && x0 >= 0 && x0 + 1 < DetCols;
        if (valid && !masked.IsEmpty)
        {
            for (int c = 0; c < 4; c++)
            {
                int yy = y0 + (c >> 1);
                int xx = x0 + (c & 1);
                double w = ((c >> 1) == 1 ? fy : 1 - fy) * ((c & 1) == 1 ? fx : 1 - fx);
                if (w > 1e-9 && masked[(yy * DetCols) + xx])
                {
                    valid = false;
                }
            }
        }

        Base[s] = valid ? (y0 * DetCols) + x0 : 0;
        Fy[s] = valid ? (float)fy : 0f;
        Fx[s] = valid ? (float)fx : 0f;
        Valid[s] = valid;
    }
}
