using FastNmf.Kernels.Polar;

namespace FastNmf.Constraints;

/// <summary>
/// The diffraction constraint [·]_W of the paper: r–φ transform of a diffraction, per radius the mean over φ,
/// samples above <c>factor × mean</c> (Bragg spots) excluded, the mean recalibrated without them, and every value below
/// that baseline raised to it. The way back to (u, v) does not resample the image (which would blur Bragg spots):
/// each detector pixel at exact radius ρ is compared with the baseline interpolated linearly between the two
/// neighbouring integer radii and raised to it if below — so only dark-spot pixels change. A pattern that is exactly
/// rotationally symmetric at pixel scale comes back bit-identical; a smooth one changes only by the discretisation of
/// sampling a continuous radial profile at integer radii (≈1 % of the peak on the flanks of rings of σ = 3 px, less for
/// broader rings). Masked pixels, samples
/// that touch them and pixels beyond the largest radius are left alone. Owns its scratch; not thread-safe.
/// </summary>
internal sealed class DarkSpotFill : IDarkSpotFill
{
    // A few ulps of slack: a sample reproducing a pixel exactly can round either way in float.
    private const float FloatSlack = 4 * 1.2e-7f;

    // Baseline of inactive pixels (beyond the largest radius, masked): far below any value, so nothing is raised, and
    // finite, so t·(hi − lo) stays a number.
    private const float Sentinel = -1e30f;
    private readonly PolarSamplingMap _map;
    private readonly IPolarGather _gather;
    private readonly double _factor;
    private readonly float[] _polar;
    private readonly double[] _baseline;
    private readonly float[] _lo;
    private readonly float[] _hi;

    public DarkSpotFill(PolarSamplingMap map, IPolarGather gather, double outlierFactor)
    {
        _map = map;
        _gather = gather;
        _factor = outlierFactor;
        _polar = new float[map.Radii * map.PhiSamples];
        _baseline = new double[map.Radii];
        _lo = new float[map.Radii + 1];
        _hi = new float[map.Radii + 1];
    }

    public static DarkSpotFill Create(int detRows, int detCols, ReadOnlySpan<bool> masked, PolarConstraintOptions options, IPolarGather gather) =>
        new(DetectorMap(detRows, detCols, masked, options), gather, options.OutlierFactor);

    /// <summary>[·]_W's r–φ sampling of a detector (after checking <paramref name="options"/>): about the options' centre
    /// (default rows/2, cols/2), radii 0 … min(rows, cols)/2 at 1-pixel steps.</summary>
    internal static PolarSamplingMap DetectorMap(int detRows, int detCols, ReadOnlySpan<bool> masked, PolarConstraintOptions options)
    {
        options.Validate();
        double cr = options.CentreRow ?? detRows / 2;
        double cc = options.CentreCol ?? detCols / 2;
        int radii = (Math.Min(detRows, detCols) / 2) + 1;
        return new PolarSamplingMap(detRows, detCols, cr, cc, radii, options.PhiSamples, masked);
    }

    public PolarSamplingMap Map => _map;

    /// <summary>The per-radius baselines of the last <see cref="Apply"/> (NaN where a radius had no usable sample).</summary>
    public ReadOnlySpan<double> Baseline => _baseline;

    /// <summary>Raises the dark spots of one full detector image in place; returns the number of pixels raised.</summary>
    public int Apply(Span<float> image)
    {
        _gather.Gather(image, _map, _polar);
        _gather.RingBaselines(_polar, _map, _factor, _baseline);

        // The way back: each pixel against the baseline interpolated between its two radii. A radius without usable
        // samples borrows its neighbour's value (both missing: the sentinel, which raises nothing).
        int radii = _map.Radii;
        for (int r = 0; r < radii; r++)
        {
            double lo = _baseline[r];
            double hi = r + 1 < radii ? _baseline[r + 1] : lo;
            _lo[r] = (float)(double.IsNaN(lo) ? (double.IsNaN(hi) ? Sentinel : hi) : lo);
            _hi[r] = (float)(double.IsNaN(hi) ? (double.IsNaN(lo) ? Sentinel : lo) : hi);
        }

        _lo[radii] = Sentinel;
        _hi[radii] = Sentinel;
        return _gather.Raise(image, _map, _lo, _hi, FloatSlack);
    }
}
