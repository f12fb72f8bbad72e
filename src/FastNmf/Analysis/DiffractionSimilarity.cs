using FastNmf.Constraints;
using FastNmf.Data;

namespace FastNmf.Analysis;

/// <summary>
/// The rotation-invariant "diffraction similarity" of Eqs. 10–11. Each diffraction is r–φ transformed about the
/// pattern centre with the sampling of [·]_W (see <see cref="PolarConstraintOptions"/>: centre, φ samples) and every
/// sample weighted by √r, so that the polar dot product is the detector-space one. For every pair the circular
/// cross-correlation along φ only (radial shift 0) is
/// <c>c_ij(Δ) = Σ_r Σ_φ r·w′_i(r, φ)·w′_j(r, φ + Δ)</c>, and
/// <list type="bullet">
/// <item>similarity(i, j) = max_Δ c_ij(Δ) / √(c_ii(0)·c_jj(0)) — a cosine (Eq. 9) maximised over rotations, so a
/// diffraction compared with any rotated copy of itself scores ≈ 1 (exactly 1 for a rotation by whole φ bins, slightly
/// less in between through interpolation), and two patterns score at least about their plain cosine;</item>
/// <item>rotation(i, j) = arg max_Δ, refined below one bin by a parabola through the peak and its two neighbours, in
/// degrees counter-clockwise as displayed, wrapped to (−180, 180].</item>
/// </list>
/// Diffraction patterns are (nearly) centrosymmetric, so a rotation θ and θ + 180° score alike; patterns with n-fold
/// symmetry likewise repeat every 360°/n. The reported angle is the highest peak, one of those equivalent angles.
/// Values are uncentred like Eq. 9 (no mean is subtracted), so two positive patterns never score below 0.
/// </summary>
public static class DiffractionSimilarity
{
    /// <summary>All pairwise similarities and rotations of <paramref name="count"/> diffractions
    /// (<c>count × detRows × detCols</c>, row-major).</summary>
    /// <param name="diffractions">The diffractions, one detector image after another.</param>
    /// <param name="count">How many.</param>
    /// <param name="detRows">Detector rows.</param>
    /// <param name="detCols">Detector columns.</param>
    /// <param name="polar">Centre and φ samples of the polar transform (default: detector centre, 360).</param>
    /// <param name="mask">Pixels to leave out (samples touching them count as 0), or null.</param>
    /// <exception cref="ArgumentException">the lengths do not match, a value is NaN or infinite, or a diffraction has no
    /// intensity inside the polar transform (all zero).</exception>
    /// <exception cref="ArgumentOutOfRangeException">a size or polar option is out of range.</exception>
    public static DiffractionSimilarityResult Compute(ReadOnlySpan<float> diffractions, int count, int detRows, int detCols,
        PolarConstraintOptions? polar = null, DetectorMask? mask = null) =>
        Compute(diffractions, count, detRows, detCols, polar, mask, new PhiCorrelationDirect());

    /// <summary>Similarity and rotation of one pair: <c>(Similarity[0, 1], Rotation[0, 1])</c> of <see cref="Compute(ReadOnlySpan{float}, int, int, int, PolarConstraintOptions?, DetectorMask?)"/>.</summary>
    /// <exception cref="ArgumentException">see <see cref="Compute(ReadOnlySpan{float}, int, int, int, PolarConstraintOptions?, DetectorMask?)"/>.</exception>
    public static (double Similarity, double Degrees) Compare(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int detRows, int detCols, PolarConstraintOptions? polar = null)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"the two diffractions have {a.Length} and {b.Length} pixels.", nameof(b));
        }

        var both = new float[a.Length * 2];
        a.CopyTo(both);
        b.CopyTo(both.AsSpan(a.Length));
        DiffractionSimilarityResult r = Compute(both, 2, detRows, detCols, polar);
        return (r.Similarity[0, 1], r.Rotation[0, 1]);
    }

    internal static DiffractionSimilarityResult Compute(ReadOnlySpan<float> diffractions, int count, int detRows, int detCols,
        PolarConstraintOptions? polar, DetectorMask? mask, IPhiCorrelation correlation)
    {
        AnalysisInput.CheckDiffractions(diffractions, count, detRows, detCols);
        polar ??= new PolarConstraintOptions();
        polar.Validate();
        if (mask is not null && (mask.DetRows != detRows || mask.DetCols != detCols))
        {
            throw new ArgumentException($"the mask is {mask.DetRows}×{mask.DetCols} but the detector is {detRows}×{detCols}.", nameof(mask));
        }

        var images = new PolarImages(diffractions, count, detRows, detCols, polar, mask is null ? default : mask.Masked);
        for (int c = 0; c < count; c++)
        {
            if (!(images.SquaredNorm(c) > 0))
            {
                throw new ArgumentException($"diffraction {c} has no intensity inside the polar transform (all zero there).", nameof(diffractions));
            }
        }

        correlation.Prepare(images);
        int n = images.PhiSamples;
        var similarity = new double[count, count];
        var rotation = new double[count, count];
        var isotropy = new double[count];
        for (int c = 0; c < count; c++)
        {
            similarity[c, c] = 1;
            isotropy[c] = images.Isotropy(c);
        }

        int pairs = count * (count - 1) / 2;
        Parallel.For(0, pairs, () => new double[n], (pair, _, c) =>
        {
            (int i, int j) = PairOf(pair, count);
            correlation.Correlate(i, j, c);
            (double peak, double shift) = Peak(c);
            double s = Math.Clamp(peak / Math.Sqrt(images.SquaredNorm(i) * images.SquaredNorm(j)), -1, 1);
            double degrees = Wrap(shift * 360.0 / n);
            similarity[i, j] = similarity[j, i] = s;
            rotation[i, j] = degrees;
            rotation[j, i] = degrees == 180 ? 180 : -degrees;
            return c;
        }, _ => { });
        return new DiffractionSimilarityResult(similarity, rotation, isotropy, n, images.Radii);
    }

    /// <summary>The highest value of the circular sequence and its position, refined by a parabola through the peak
    /// and its neighbours (offset clamped to ±½ bin; the value is the parabola's vertex).</summary>
    internal static (double Value, double Position) Peak(ReadOnlySpan<double> c)
    {
        int n = c.Length;
        int best = 0;
        for (int i = 1; i < n; i++)
        {
            if (c[i] > c[best])
            {
                best = i;
            }
        }

        double left = c[(best + n - 1) % n];
        double mid = c[best];
        double right = c[(best + 1) % n];
        double curvature = left - (2 * mid) + right;
        if (!(curvature < 0))
        {
            return (mid, best);
        }

        double offset = Math.Clamp(0.5 * (left - right) / curvature, -0.5, 0.5);
        return (mid - (0.25 * (left - right) * offset), best + offset);
    }

    /// <summary>Wraps degrees to (−180, 180].</summary>
    internal static double Wrap(double degrees)
    {
        double d = degrees % 360;
        if (d > 180)
        {
            d -= 360;
        }
        else if (d <= -180)
        {
            d += 360;
        }

        return d;
    }

    private static (int I, int J) PairOf(int pair, int count)
    {
        // Row-major enumeration of the strict upper triangle.
        int i = 0;
        int remaining = pair;
        while (remaining >= count - 1 - i)
        {
            remaining -= count - 1 - i;
            i++;
        }

        return (i, i + 1 + remaining);
    }
}
