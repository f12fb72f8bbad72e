using FastNmf.Constraints;
using FastNmf.Kernels.Polar;

namespace FastNmf.Analysis;

/// <summary>
/// How much "dark spot" a diffraction has: on its r–φ transform (the same sampling as [·]_W), the summed shortfall
/// below each radius's median, <c>Σ_r Σ_φ max(0, median_r − w′(r, φ))</c>, divided by the summed intensity
/// <c>Σ w′</c>. A rotationally symmetric pattern scores ≈ 0; dips cut into its rings raise the score. The median
/// (not the mean) keeps Bragg spots from inflating the reference level.
/// </summary>
public static class DarkSpotScore
{
    /// <summary>Scores one detector image (<c>detRows × detCols</c>) about the detector centre.</summary>
    /// <exception cref="ArgumentException">the image length does not match the detector.</exception>
    public static double Compute(ReadOnlySpan<float> image, int detRows, int detCols, PolarConstraintOptions? polar = null)
    {
        if (image.Length != detRows * detCols)
        {
            throw new ArgumentException($"a {detRows}×{detCols} image has {detRows * detCols} pixels, got {image.Length}.", nameof(image));
        }

        polar ??= new PolarConstraintOptions();
        polar.Validate();
        int radii = (Math.Min(detRows, detCols) / 2) + 1;
        var map = new PolarSamplingMap(detRows, detCols, polar.CentreRow ?? detRows / 2, polar.CentreCol ?? detCols / 2, radii, polar.PhiSamples, default);
        var samples = new float[radii * polar.PhiSamples];
        new PolarGatherScalar().Gather(image, map, samples);
        double shortfall = 0, total = 0;
        var ring = new List<float>(polar.PhiSamples);
        for (int r = 1; r < radii; r++)
        {
            ring.Clear();
            for (int p = 0; p < polar.PhiSamples; p++)
            {
                int s = (r * polar.PhiSamples) + p;
                if (map.Valid[s])
                {
                    ring.Add(samples[s]);
                }
            }

            if (ring.Count == 0)
            {
                continue;
            }

            ring.Sort();
            double median = ring[ring.Count / 2];
            foreach (float v in ring)
            {
                shortfall += Math.Max(0, median - v);
                total += Math.Abs(v);
            }
        }

        return total > 0 ? shortfall / total : 0;
    }
}
