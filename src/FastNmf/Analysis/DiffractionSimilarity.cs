using FastNmf.Constraints;
using FastNmf.Data;

namespace FastNmf.Analysis;

/// <summary>
/// The rotation-invariant "diffraction similarity" of Eqs. 10–11. Each diffraction is r–φ transformed about the
/// pattern centre with the sampling of [·]_W (<see cref="PolarConstraintOptions"/>: centre, φ samples), every sample
/// weighted by √r (so polar dot products are detector-space ones), and split into its radial profile (the φ-mean of
/// each radius) and its anisotropic rest (the Bragg spots). The isotropy of a pattern is the share of its energy in
/// the radial profile.
/// <list type="bullet">
/// <item>Two patterns that are not both isotropic are compared by the normalised circular cross-correlation along φ
/// only (radial shift 0) of their anisotropic parts a, b:
/// <c>similarity = max_Δ Σ_r Σ_φ r·a(r, φ)·b(r, φ + Δ) / √(Σ r·a² · Σ r·b²)</c> — a Pearson-like correlation along φ
/// (the mean along φ removed, per radius) maximised over rotations, in [−1, 1]; a diffraction compared with any rotated
/// copy of itself scores ≈ 1 (exactly 1 for whole φ bins, slightly less in between through interpolation).
/// <c>rotation = arg max_Δ</c>, refined below one bin by a parabola through the peak and its neighbours, in degrees
/// counter-clockwise as displayed, wrapped to (−180, 180]. The radial profile is left out on purpose: NMF spreads the
/// amorphous rings over the crystalline components (on the simulated sets ~90 % of a crystalline component's energy), so
/// with it every pair would score ≥ 0.9 and rotated copies would barely stand out.</item>
/// <item>Two isotropic patterns (isotropy ≥ the threshold, e.g. amorphous rings) have no orientation: their similarity
/// is the cosine of their radial profiles and their rotation 0.</item>
/// </list>
/// Rotations involving an isotropic pattern are reported as 0. Diffraction patterns are (nearly) centrosymmetric, so a
/// rotation θ and θ + 180° score alike, and patterns with n-fold symmetry repeat every 360°/n: the reported angle is the
/// highest peak, one of those equivalent angles.
/// </summary>
public static class DiffractionSimilarity
{
    /// <summary>Default isotropy from which a pattern counts as isotropic (amorphous): 0.99, between the ≥ 0.999 of
    /// the amorphous components on the simulated sets and the ≤ 0.95 of crystalline components carrying ring intensity.</summary>
    public const double DefaultIsotropyThreshold = 0.99;

    /// <summary>All pairwise similarities and rotations of <paramref name="count"/> diffractions
    /// (<c>count × detRows × detCols</c>, row-major).</summary>
    /// <param name="diffractions">The diffractions, one detector image after another.</param>
    /// <param name="count">How many.</param>
    /// <param name="detRows">Detector rows.</param>
    /// <param name="detCols">Detector columns.</param>
    /// <param name="polar">Centre and φ samples of the polar transform (default: detector centre, 360).</param>
    /// <param name="mask">Pixels to leave out (samples touching them are dropped), or null.</param>
    /// <param name="isotropicAbove">Isotropy from which a pattern counts as isotropic (compared by radial profile).</param>
    /// <exception cref="ArgumentException">the lengths do not match, a value is NaN or infinite, or a diffraction has no
    /// intensity inside the polar transform (all zero).</exception>
    /// <exception cref="ArgumentOutOfRangeException">a size or polar option is out of range.</exception>
    public static DiffractionSimilarityResult Compute(ReadOnlySpan<float> diffractions, int count, int detRows, int detCols,
        PolarConstraintOptions? polar = null, DetectorMask? mask = null, double isotropicAbove = DefaultIsotropyThreshold)
    {
        IPhiCorrelation correlation = PhiCorrelations.Create();
        try
        {
            return Compute(diffractions, count, detRows, detCols, polar, mask, isotropicAbove, correlation);
        }
        finally
        {
            (correlation as IDisposable)?.Dispose();
        }
    }

    /// <summary>The FFT the φ-correlation uses in this process: MKL's DFTI where MKL is loaded, else FftSharp.</summary>
    public static string FftDescription => PhiCorrelations.Describe();

    /// <summary>Similarity and rotation of one pair: <c>(Similarity[0, 1], Rotation[0, 1])</c> of <see cref="Compute(ReadOnlySpan{float}, int, int, int, PolarConstraintOptions?, DetectorMask?, double)"/>.</summary>
    /// <exception cref="ArgumentException">see <see cref="Compute(ReadOnlySpan{float}, int, int, int, PolarConstraintOptions?, DetectorMask?, double)"/>.</exception>
    public static (double Similarity, double Degrees) Compare(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int detRows, int detCols,
        PolarConstraintOptions? polar = null, double isotropicAbove = DefaultIsotropyThreshold)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"the two diffractions have {a.Length} and {b.Length} pixels.", nameof(b));
        }

        var both = new float[a.Length * 2];
        a.CopyTo(both);
        b.CopyTo(both.AsSpan(a.Length));
        DiffractionSimilarityResult r = Compute(both, 2, detRows, detCols, polar, null, isotropicAbove);
        return (r.Similarity[0, 1], r.Rotation[0, 1]);
    }

    internal static DiffractionSimilarityResult Compute(ReadOnlySpan<float> diffractions, int count, int detRows, int detCols,
        PolarConstraintOptions? polar, DetectorMask? mask, double isotropicAbove, IPhiCorrelation correlation)
    {
        if (!(isotropicAbove >= 0 && isotropicAbove <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(isotropicAbove), isotropicAbove, "the isotropy threshold must be in [0, 1].");
        }

        AnalysisInput.CheckDiffractions(diffractions, count, detRows, detCols);
        polar ??= new PolarConstraintOptions();
        polar.Validate();
        if (mask is not null && (mask.DetRows != detRows || mask.DetCols != detCols))
        {
            throw new ArgumentException($"the mask is {mask.DetRows}×{mask.DetCols} but the detector is {detRows}×{detCols}.", nameof(mask));
        }

        var images = new PolarImages(diffractions, count, detRows, detCols, polar, mask is null ? default : mask.Masked);
        var isotropy = new double[count];
        for (int c = 0; c < count; c++)
        {
            isotropy[c] = images.Isotropy(c);
            if (!(images.AnisotropicEnergy(c) > 0) && !(isotropy[c] > 0))
            {
                throw new ArgumentException($"diffraction {c} has no intensity inside the polar transform (all zero there).", nameof(diffractions));
            }
        }

        correlation.Prepare(images);
        int n = images.PhiSamples;
        var similarity = new double[count, count];
        var rotation = new double[count, count];
        for (int c = 0; c < count; c++)
        {
            similarity[c, c] = 1;
        }

        int pairs = count * (count - 1) / 2;
        Parallel.For(0, pairs, () => new double[n], (pair, _, c) =>
        {
            (int i, int j) = PairOf(pair, count);
            bool isoI = isotropy[i] >= isotropicAbove;
            bool isoJ = isotropy[j] >= isotropicAbove;
            double s = 0;
            double degrees = 0;
            if (isoI && isoJ)
            {
                s = images.ProfileCosine(i, j);
            }
            else if (images.AnisotropicEnergy(i) > 0 && images.AnisotropicEnergy(j) > 0)
            {
                correlation.Correlate(i, j, c);
                (double peak, double shift) = Peak(c);
                s = peak / Math.Sqrt(images.AnisotropicEnergy(i) * images.AnisotropicEnergy(j));
                degrees = isoI || isoJ ? 0 : Wrap(shift * 360.0 / n);
            }

            similarity[i, j] = similarity[j, i] = Math.Clamp(s, -1, 1);
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
