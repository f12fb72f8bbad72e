using System.Numerics;
using FastNmf.Blas;

namespace FastNmf.Analysis;

/// <summary>
/// The correlation by FFT along φ with MKL's DFTI where MKL is present (see <see cref="PhiCorrelations.Create"/>): the
/// same algorithm as <see cref="PhiCorrelationFft"/> — every radius row transformed once to its half spectrum, a pair's
/// cross-spectrum summed over radii and transformed back — with MKL's real-to-complex transforms (all radius rows of an
/// image in one batched call) instead of FftSharp's complex Bluestein ones.
/// </summary>
internal sealed unsafe class PhiCorrelationDfti : IPhiCorrelation, IDisposable
{
    private readonly object _inverseGate = new();
    private PolarImages? _images;
    private Complex[] _spectra = [];
    private int _half;
    private MklDfti? _rows;
    private MklDfti? _inverse;

    private PhiCorrelationDfti()
    {
    }

    public string Name => nameof(PhiCorrelationDfti);

    /// <summary>A DFTI correlation, or null where MKL's DFTI is not available.</summary>
    public static PhiCorrelationDfti? TryCreate() => MklDfti.Describe(out _) is null ? null : new PhiCorrelationDfti();

    public void Prepare(PolarImages images)
    {
        int n = images.PhiSamples;
        DisposeTransforms();
        _images = images;
        _half = (n / 2) + 1;
        _spectra = new Complex[images.Count * images.Radii * _half];
        _rows = MklDfti.TryCreate(n, images.Radii) ?? throw new InvalidOperationException("MKL's DFTI went away after it was found.");
        _inverse = MklDfti.TryCreate(n, 1) ?? throw new InvalidOperationException("MKL's DFTI went away after it was found.");
        var rows = new double[images.Radii * n];
        for (int c = 0; c < images.Count; c++)
        {
            ReadOnlySpan<float> image = images.Anisotropic(c);
            for (int i = 0; i < rows.Length; i++)
            {
                rows[i] = image[i];
            }

            fixed (double* input = rows)
            fixed (Complex* output = &_spectra[c * images.Radii * _half])
            {
                _rows.Forward(input, (double*)output);
            }
        }
    }

    public void Correlate(int i, int j, Span<double> c)
    {
        PolarImages images = _images ?? throw new InvalidOperationException("Prepare first.");
        int n = images.PhiSamples;
        var s = new Complex[_half];
        PhiCorrelationFft.CrossSpectrum(_spectra, images.Radii, _half, i, j, s);

        var result = new double[n];
        fixed (Complex* input = s)
        fixed (double* output = result)
        {
            // One single-transform descriptor for every pair: a backward transform of n_φ points is microseconds.
            lock (_inverseGate)
            {
                _inverse!.Backward((double*)input, output);
            }
        }

        for (int shift = 0; shift < n; shift++)
        {
            c[shift] = result[shift] / n;
        }
    }

    public void Dispose() => DisposeTransforms();

    private void DisposeTransforms()
    {
        _rows?.Dispose();
        _inverse?.Dispose();
        _rows = _inverse = null;
    }
}
