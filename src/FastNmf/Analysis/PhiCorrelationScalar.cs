namespace FastNmf.Analysis;

/// <summary>The reference: the defining triple sum, in double, O(n_r·n_φ²) per pair.</summary>
internal sealed class PhiCorrelationScalar : IPhiCorrelation
{
    private PolarImages? _images;

    public string Name => nameof(PhiCorrelationScalar);

    public void Prepare(PolarImages images) => _images = images;

    public void Correlate(int i, int j, Span<double> c)
    {
        PolarImages images = _images ?? throw new InvalidOperationException("Prepare first.");
        int n = images.PhiSamples;
        ReadOnlySpan<float> a = images.Anisotropic(i);
        ReadOnlySpan<float> b = images.Anisotropic(j);
        for (int shift = 0; shift < n; shift++)
        {
            double sum = 0;
            for (int r = 0; r < images.Radii; r++)
            {
                int row = r * n;
                for (int p = 0; p < n; p++)
                {
                    sum += (double)a[row + p] * b[row + ((p + shift) % n)];
                }
            }

            c[shift] = sum;
        }
    }
}
