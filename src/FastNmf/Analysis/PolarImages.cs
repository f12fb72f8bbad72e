using FastNmf.Constraints;
using FastNmf.Kernels.Polar;

namespace FastNmf.Analysis;

/// <summary>
/// The r–φ images the diffraction similarity compares. Each diffraction is resampled with the sampling map of [·]_W
/// (<see cref="PolarSamplingMap"/>: bilinear, radii 0..⌊min(rows, cols)/2⌋ at 1-pixel steps, φ counter-clockwise as
/// displayed; samples outside the detector or touching masked pixels are left out) and every sample multiplied by √r,
/// so that dot products of polar images are the detector-space ones (area element r dr dφ) and the oversampled centre
/// does not outweigh the outer rings. The image is then split into its two orthogonal parts:
/// <list type="bullet">
/// <item>the radial profile: per radius, the mean over the valid samples (times √(valid samples), so that its squared
/// norm is the energy of the rotation-invariant part) — what an amorphous pattern consists of;</item>
/// <item>the anisotropic part: every valid sample minus its radius's mean (invalid samples 0) — the Bragg spots, which
/// the φ correlation compares (a 1-D normalised cross-correlation along φ removes the mean along φ).</item>
/// </list>
/// </summary>
internal sealed class PolarImages
{
    private readonly float[] _anisotropic;
    private readonly double[] _profiles;
    private readonly double[] _anisotropicEnergy;
    private readonly double[] _isotropicEnergy;

    public PolarImages(ReadOnlySpan<float> diffractions, int count, int detRows, int detCols, PolarConstraintOptions polar, ReadOnlySpan<bool> masked)
    {
        Count = count;
        Radii = (Math.Min(detRows, detCols) / 2) + 1;
        PhiSamples = polar.PhiSamples;
        Map = new PolarSamplingMap(detRows, detCols, polar.CentreRow ?? detRows / 2, polar.CentreCol ?? detCols / 2, Radii, PhiSamples, masked);
        int n = Radii * PhiSamples;
        int nUv = detRows * detCols;
        if ((long)count * n > Array.MaxLength)
        {
            throw new InsufficientMemoryException($"{count} polar images of {n} samples exceed one array.");
        }

        _anisotropic = new float[count * n];
        _profiles = new double[count * Radii];
        _anisotropicEnergy = new double[count];
        _isotropicEnergy = new double[count];
        var gather = new PolarGatherScalar();
        for (int c = 0; c < count; c++)
        {
            Span<float> image = _anisotropic.AsSpan(c * n, n);
            gather.Gather(diffractions.Slice(c * nUv, nUv), Map, image);
            for (int r = 0; r < Radii; r++)
            {
                Split(c, r, image.Slice(r * PhiSamples, PhiSamples));
            }
        }
    }

    /// <summary>The sampling map (the same kind of transform as [·]_W).</summary>
    public PolarSamplingMap Map { get; }

    public int Count { get; }

    public int Radii { get; }

    public int PhiSamples { get; }

    /// <summary>Samples per image: <c>Radii × PhiSamples</c>, radius-major.</summary>
    public int Length => Radii * PhiSamples;

    /// <summary>The √r-weighted anisotropic part of image <paramref name="c"/>.</summary>
    public ReadOnlySpan<float> Anisotropic(int c) => _anisotropic.AsSpan(c * Length, Length);

    /// <summary>Squared norm of <see cref="Anisotropic"/>, in double.</summary>
    public double AnisotropicEnergy(int c) => _anisotropicEnergy[c];

    /// <summary>Share of image <paramref name="c"/>'s polar energy in its radial profile: 1 for a rotationally
    /// symmetric pattern (amorphous rings), lower the more Bragg spots it has; 0 for an empty image.</summary>
    public double Isotropy(int c)
    {
        double total = _isotropicEnergy[c] + _anisotropicEnergy[c];
        return total > 0 ? _isotropicEnergy[c] / total : 0;
    }

    /// <summary>Cosine of the radial profiles of two images (0 when either is zero).</summary>
    public double ProfileCosine(int i, int j)
    {
        ReadOnlySpan<double> a = _profiles.AsSpan(i * Radii, Radii);
        ReadOnlySpan<double> b = _profiles.AsSpan(j * Radii, Radii);
        double ab = 0;
        for (int r = 0; r < Radii; r++)
        {
            ab += a[r] * b[r];
        }

        double norm = Math.Sqrt(_isotropicEnergy[i] * _isotropicEnergy[j]);
        return norm > 0 ? ab / norm : 0;
    }

    private void Split(int c, int r, Span<float> row)
    {
        int start = r * PhiSamples;
        double weight = Math.Sqrt(r);
        double sum = 0;
        int valid = 0;
        for (int p = 0; p < PhiSamples; p++)
        {
            if (Map.Valid[start + p])
            {
                sum += row[p] * weight;
                valid++;
            }
        }

        double mean = valid > 0 ? sum / valid : 0;
        double energy = 0;
        for (int p = 0; p < PhiSamples; p++)
        {
            float v = Map.Valid[start + p] ? (float)((row[p] * weight) - mean) : 0f;
            row[p] = v;
            energy += (double)v * v;
        }

        _profiles[(c * Radii) + r] = mean * Math.Sqrt(valid);
        _isotropicEnergy[c] += mean * mean * valid;
        _anisotropicEnergy[c] += energy;
    }
}
