using System.Numerics.Tensors;

namespace FastNmf.Analysis;

/// <summary>
/// The direct O(n_r·n_φ²) correlation with vector dot products: every image is kept with each radius's row written
/// twice in a row (length 2·n_φ), so the shifted row <c>b(r, φ + Δ)</c> is the contiguous slice starting at Δ and each
/// (r, Δ) term is one <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>; the sum over radii is
/// in double. All-zero radii (r = 0, rings outside the detector) are skipped.
/// </summary>
internal sealed class PhiCorrelationDirect : IPhiCorrelation
{
    private PolarImages? _images;
    private float[] _doubled = [];
    private bool[] _nonZeroRow = [];

    public string Name => nameof(PhiCorrelationDirect);

    public void Prepare(PolarImages images)
    {
        _images = images;
        int n = images.PhiSamples;
        _doubled = new float[images.Count * images.Radii * 2 * n];
        _nonZeroRow = new bool[images.Count * images.Radii];
        for (int c = 0; c < images.Count; c++)
        {
            ReadOnlySpan<float> image = images.Anisotropic(c);
            for (int r = 0; r < images.Radii; r++)
            {
                ReadOnlySpan<float> row = image.Slice(r * n, n);
                Span<float> twice = _doubled.AsSpan(((c * images.Radii) + r) * 2 * n, 2 * n);
                row.CopyTo(twice);
                row.CopyTo(twice[n..]);
                _nonZeroRow[(c * images.Radii) + r] = row.ContainsAnyExcept(0f);
            }
        }
    }

    public void Correlate(int i, int j, Span<double> c)
    {
        PolarImages images = _images ?? throw new InvalidOperationException("Prepare first.");
        int n = images.PhiSamples;
        c[..n].Clear();
        ReadOnlySpan<float> a = images.Anisotropic(i);
        for (int r = 0; r < images.Radii; r++)
        {
            if (!_nonZeroRow[(i * images.Radii) + r] || !_nonZeroRow[(j * images.Radii) + r])
            {
                continue;
            }

            ReadOnlySpan<float> row = a.Slice(r * n, n);
            ReadOnlySpan<float> twice = _doubled.AsSpan(((j * images.Radii) + r) * 2 * n, 2 * n);
            for (int shift = 0; shift < n; shift++)
            {
                c[shift] += TensorPrimitives.Dot(row, twice.Slice(shift, n));
            }
        }
    }
}
