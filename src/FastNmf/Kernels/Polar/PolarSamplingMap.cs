namespace FastNmf.Kernels.Polar;

/// <summary>
/// Precomputed geometry of the bilinear r–φ transform of a detector image about a centre: for every polar sample
/// (radius r = 0..nR−1 pixels, angle φ = 2π·p/nφ counter-clockwise as displayed, i.e. row = c_r − r·sin φ,
/// col = c_c + r·cos φ) its four source pixels and weights, and whether it is usable (inside the detector and not
/// touching a masked pixel); and, for the way back, every in-range detector pixel with its exact radius split into
/// (⌊ρ⌋, ρ − ⌊ρ⌋). Built once per (detector, centre, nR, nφ, mask); the iteration loop only gathers.
/// </summary>
internal sealed class PolarSamplingMap
{
    public PolarSamplingMap(int detRows, int detCols, double centreRow, double centreCol, int radii, int phiSamples, ReadOnlySpan<bool> masked)
    {
        if (radii < 2 || phiSamples < 4)
        {
            throw new ArgumentOutOfRangeException(nameof(phiSamples), "the polar transform needs at least 2 radii and 4 angles.");
        }

        DetRows = detRows;
        DetCols = detCols;
        Radii = radii;
        PhiSamples = phiSamples;
        int n = radii * phiSamples;
        Index = new int[4 * n];
        Weight = new float[4 * n];
        Valid = new bool[n];
        for (int r = 0; r < radii; r++)
        {
            for (int p = 0; p < phiSamples; p++)
            {
                double phi = 2 * Math.PI * p / phiSamples;
                double y = centreRow - (r * Math.Sin(phi));
                double x = centreCol + (r * Math.Cos(phi));
                int s = (r * phiSamples) + p;
                Valid[s] = Corners(y, x, masked, Index.AsSpan(4 * s, 4), Weight.AsSpan(4 * s, 4));
            }
        }

        var pixels = new List<int>();
        var floors = new List<int>();
        var fractions = new List<float>();
        for (int row = 0; row < detRows; row++)
        {
            for (int col = 0; col < detCols; col++)
            {
                int i = (row * detCols) + col;
                if (!masked.IsEmpty && masked[i])
                {
                    continue;
                }

                double rho = Math.Sqrt(((row - centreRow) * (row - centreRow)) + ((col - centreCol) * (col - centreCol)));
                int r0 = (int)Math.Floor(rho);
                if (r0 + 1 >= radii && rho > radii - 1)
                {
                    continue;
                }

                pixels.Add(i);
                floors.Add(Math.Min(r0, radii - 2));
                fractions.Add((float)(rho - Math.Min(r0, radii - 2)));
            }
        }

        Pixels = pixels.ToArray();
        PixelRadiusFloor = floors.ToArray();
        PixelRadiusFraction = fractions.ToArray();
    }

    public int DetRows { get; }

    public int DetCols { get; }

    public int Radii { get; }

    public int PhiSamples { get; }

    /// <summary>4 source pixel indices per sample (row-major detector index).</summary>
    public int[] Index { get; }

    /// <summary>4 bilinear weights per sample.</summary>
    public float[] Weight { get; }

    /// <summary>Whether the sample lies inside the detector and away from masked pixels.</summary>
    public bool[] Valid { get; }

    /// <summary>Detector pixels within the largest radius, unmasked.</summary>
    public int[] Pixels { get; }

    public int[] PixelRadiusFloor { get; }

    public float[] PixelRadiusFraction { get; }

    private bool Corners(double y, double x, ReadOnlySpan<bool> masked, Span<int> index, Span<float> weight)
    {
        int y0 = (int)Math.Floor(y);
        int x0 = (int)Math.Floor(x);
        double fy = y - y0;
        double fx = x - x0;
        bool valid = true;
        for (int c = 0; c < 4; c++)
        {
            int yy = y0 + (c >> 1);
            int xx = x0 + (c & 1);
            double w = ((c >> 1) == 1 ? fy : 1 - fy) * ((c & 1) == 1 ? fx : 1 - fx);
            bool inside = yy >= 0 && yy < DetRows && xx >= 0 && xx < DetCols;
            int idx = inside ? (yy * DetCols) + xx : 0;
            if (w > 1e-9 && (!inside || (!masked.IsEmpty && masked[idx])))
            {
                valid = false;
            }

            index[c] = inside ? idx : 0;
            weight[c] = inside ? (float)w : 0f;
        }

        return valid;
    }
}
