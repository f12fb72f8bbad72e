using FastNmf.Constraints;
using FastNmf.Kernels.Polar;

namespace FastNmf.Analysis;

/// <summary>
/// The r–φ images the diffraction similarity compares: each diffraction resampled with the sampling map of [·]_W
/// (<see cref="PolarSamplingMap"/>: bilinear, radii 0..⌊min(rows, cols)/2⌋ at 1-pixel steps, φ counter-clockwise as
/// displayed), samples outside the detector or touching masked pixels set to 0, and every sample multiplied by √r.
/// The √r makes the plain dot product of two polar images Σ_r r Σ_φ a·b — the polar form of the detector-space
/// ⟨a, b⟩ (area element r dr dφ), so at zero rotation the diffraction similarity is the cosine of Eq. 9 up to
/// interpolation, and the oversampled centre does not outweigh the outer rings.
/// </summary>
internal sealed class PolarImages
{
    private readonly float[] _data;
    private readonly double[] _squaredNorms;

    public PolarImages(ReadOnlySpan<float> diffractions, int count, int detRows, int detCols, PolarConstraintOptions polar, ReadOnlySpan<bool> masked)
    {
        Count = count;
        Radii = (Math.Min(detRows, detCols) / 2) + 1;
        PhiSamples = polar.PhiSamples;
        Map = new PolarSamplingMap(detRows, detCols, polar.CentreRow ?? detRows / 2, polar.CentreCol ?? detCols / 2, Radii, PhiSamples, masked);
        int n = Radii * PhiSamples;
        int nUv = detRows * detCols;
        _data = new float[(long)count * n <= Array.MaxLength ? count * n : throw new InsufficientMemoryException("too many polar samples.")];
        _squaredNorms = new double[count];
        var gather = new PolarGatherScalar();
        for (int c = 0; c < count; c++)
        {
            Span<float> image = _data.AsSpan(c * n, n);
            gather.Gather(diffractions.Slice(c * nUv, nUv), Map, image);
            double norm = 0;
            for (int r = 0; r < Radii; r++)
            {
                float weight = MathF.Sqrt(r);
                for (int p = 0; p < PhiSamples; p++)
                {
                    int s = (r * PhiSamples) + p;
                    float v = Map.Valid[s] ? image[s] * weight : 0f;
                    image[s] = v;
                    norm += (double)v * v;
                }
            }

            _squaredNorms[c] = norm;
        }
    }

    /// <summary>The sampling map (shared with [·]_W's kind of transform).</summary>
    public PolarSamplingMap Map { get; }

    public int Count { get; }

    public int Radii { get; }

    public int PhiSamples { get; }

    /// <summary>Samples per image: <c>Radii × PhiSamples</c>, radius-major.</summary>
    public int Length => Radii * PhiSamples;

    /// <summary>The √r-weighted polar image of diffraction <paramref name="c"/>.</summary>
    public ReadOnlySpan<float> Image(int c) => _data.AsSpan(c * Length, Length);

    /// <summary>Σ of the squared weighted samples of image <paramref name="c"/>, in double.</summary>
    public double SquaredNorm(int c) => _squaredNorms[c];

    /// <summary>
    /// Share of image <paramref name="c"/>'s energy in its φ-average: Σ_r n_φ·mean_r² / Σ_r Σ_φ a². 1 for a rotationally
    /// symmetric pattern (amorphous rings), near 0 for isolated Bragg spots.
    /// </summary>
    public double Isotropy(int c)
    {
        if (_squaredNorms[c] <= 0)
        {
            return 0;
        }

        ReadOnlySpan<float> image = Image(c);
        double symmetric = 0;
        for (int r = 0; r < Radii; r++)
        {
            double mean = 0;
            foreach (float v in image.Slice(r * PhiSamples, PhiSamples))
            {
                mean += v;
            }

            mean /= PhiSamples;
            symmetric += PhiSamples * mean * mean;
        }

        return symmetric / _squaredNorms[c];
    }
}
