using FastNmf.Kernels.Polar;

namespace FastNmf.Constraints;

/// <summary>
/// [·]_W by the paper's route (Fig. 4, Listing S4): the diffraction resampled onto the r–φ grid (bilinear), every
/// sample below its radius's baseline (the recalibrated radial mean, as <see cref="DarkSpotFill"/>) raised to it there,
/// and the correction carried back to (u, v) by bilinear interpolation in (r, φ): each pixel gains the interpolated
/// rise of the four polar samples around it. Only the correction travels back, so Bragg spots are not resampled; but a
/// dark pixel whose neighbouring samples were not all raised is raised only partly — the paper's partial fill, against
/// <see cref="DarkSpotFill"/>'s complete raise of every pixel to the baseline at its exact radius. Masked pixels and
/// pixels beyond the largest radius are left alone. Owns its scratch; not thread-safe. Scalar: it runs once per
/// component and iteration over one detector image, far from the products' cost.
/// </summary>
internal sealed class PolarRoundTripFill : IDarkSpotFill
{
    private readonly PolarSamplingMap _map;
    private readonly IPolarGather _gather;
    private readonly double _factor;
    private readonly float[] _polar;
    private readonly double[] _baseline;

    // Per pixel: the polar cell it lies in (radius floor, φ index floor) and its fractions; radius floor = Radii marks
    // an inactive pixel.
    private readonly int[] _phi;
    private readonly float[] _phiFraction;

    public PolarRoundTripFill(PolarSamplingMap map, IPolarGather gather, double outlierFactor, double centreRow, double centreCol)
    {
        _map = map;
        _gather = gather;
        _factor = outlierFactor;
        _polar = new float[map.Radii * map.PhiSamples];
        _baseline = new double[map.Radii];
        int n = map.DetRows * map.DetCols;
        _phi = new int[n];
        _phiFraction = new float[n];
        for (int row = 0; row < map.DetRows; row++)
        {
            for (int col = 0; col < map.DetCols; col++)
            {
                // The sampling map's convention: sample (r, p) sits at row = cr − r·sin φ, col = cc + r·cos φ.
                double phi = Math.Atan2(centreRow - row, col - centreCol);
                double t = (phi < 0 ? phi + (2 * Math.PI) : phi) * map.PhiSamples / (2 * Math.PI);
                int p0 = Math.Min((int)Math.Floor(t), map.PhiSamples - 1);
                _phi[(row * map.DetCols) + col] = p0;
                _phiFraction[(row * map.DetCols) + col] = (float)Math.Clamp(t - p0, 0, 1);
            }
        }
    }

    public PolarSamplingMap Map => _map;

    /// <summary>The per-radius baselines of the last <see cref="Apply"/> (NaN where a radius had no usable sample).</summary>
    public ReadOnlySpan<double> Baseline => _baseline;

    /// <summary>Fills the dark spots of one full detector image in place; returns the number of pixels raised.</summary>
    public int Apply(Span<float> image)
    {
        _gather.Gather(image, _map, _polar);
        _gather.RingBaselines(_polar, _map, _factor, _baseline);

        // In r–φ: each valid sample's rise to its baseline (0 where it is above, invalid, or the radius has none).
        int nPhi = _map.PhiSamples;
        bool[] valid = _map.Valid;
        for (int r = 0; r < _map.Radii; r++)
        {
            double b = _baseline[r];
            for (int p = 0; p < nPhi; p++)
            {
                int s = (r * nPhi) + p;
                _polar[s] = valid[s] && !double.IsNaN(b) && _polar[s] < b ? (float)(b - _polar[s]) : 0f;
            }
        }

        // Back to (u, v): the rise interpolated bilinearly in (r, φ), φ periodic.
        int[] floors = _map.PixelFloor;
        float[] fractions = _map.PixelFraction;
        int raised = 0;
        for (int i = 0; i < image.Length; i++)
        {
            int r = floors[i];
            if (r >= _map.Radii)
            {
                continue;
            }

            int p0 = _phi[i], p1 = p0 + 1 == nPhi ? 0 : p0 + 1;
            float fr = fractions[i], fp = _phiFraction[i];
            int inner = r * nPhi, outer = (r + 1) * nPhi;
            float rise = ((1f - fr) * (((1f - fp) * _polar[inner + p0]) + (fp * _polar[inner + p1])))
                + (fr * (((1f - fp) * _polar[outer + p0]) + (fp * _polar[outer + p1])));
            if (rise > 0)
            {
                image[i] += rise;
                raised++;
            }
        }

        return raised;
    }
}
