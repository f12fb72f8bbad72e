using System.Numerics;
using FftSharp;

namespace FastNmf.Analysis;

/// <summary>
/// The correlation by FFT along φ (FftSharp's Bluestein transform, any n_φ): every radius row of every image is
/// transformed once — two real rows per complex transform, split by conjugate symmetry — and kept as its half spectrum
/// (m = 0..n_φ/2). A pair then costs the cross-spectrum <c>S(m) = Σ_r conj(A_i,r(m))·A_j,r(m)</c> and one inverse
/// transform: <c>c = Re(IDFT(S)) / n_φ</c>.
/// </summary>
internal sealed class PhiCorrelationFft : IPhiCorrelation
{
    private PolarImages? _images;
    private Complex[] _spectra = [];
    private int _half;

    public string Name => nameof(PhiCorrelationFft);

    public void Prepare(PolarImages images)
    {
        _images = images;
        _half = (images.PhiSamples / 2) + 1;
        _spectra = new Complex[images.Count * images.Radii * _half];
        Parallel.For(0, images.Count, () => new Complex[images.PhiSamples], (c, _, z) =>
        {
            Transform(images, c, z);
            return z;
        }, _ => { });
    }

    // Two real rows per complex transform: z = a + i·b, then A(m) = (Z(m) + conj Z(−m))/2, B(m) = (Z(m) − conj Z(−m))/(2i).
    private void Transform(PolarImages images, int c, Complex[] z)
    {
        int n = images.PhiSamples;
        ReadOnlySpan<float> image = images.Anisotropic(c);
        for (int r = 0; r < images.Radii; r += 2)
        {
            bool pair = r + 1 < images.Radii;
            for (int p = 0; p < n; p++)
            {
                z[p] = new Complex(image[(r * n) + p], pair ? image[((r + 1) * n) + p] : 0);
            }

            Bluestein.Forward(z);
            Span<Complex> first = Spectrum(c, r);
            Span<Complex> second = pair ? Spectrum(c, r + 1) : default;
            for (int m = 0; m < _half; m++)
            {
                Complex zm = z[m];
                Complex zc = Complex.Conjugate(z[(n - m) % n]);
                first[m] = (zm + zc) * 0.5;
                if (pair)
                {
                    second[m] = (zm - zc) * new Complex(0, -0.5);
                }
            }
        }
    }

    public void Correlate(int i, int j, Span<double> c)
    {
        PolarImages images = _images ?? throw new InvalidOperationException("Prepare first.");
        int n = images.PhiSamples;
        var s = new Complex[n];
        CrossSpectrum(_spectra, images.Radii, _half, i, j, s);

        // c is real, so S is Hermitian: fill the upper half from the lower.
        for (int m = 1; m < _half; m++)
        {
            s[n - m] = Complex.Conjugate(s[m]);
        }

        Bluestein.Inverse(s);
        for (int shift = 0; shift < n; shift++)
        {
            c[shift] = s[shift].Real / n;
        }
    }

    /// <summary><c>s[m] += Σ_r conj(A_i,r(m))·A_j,r(m)</c> for m &lt; half, from half spectra stored image by image,
    /// radius by radius (the layout both FFT correlations keep).</summary>
    internal static void CrossSpectrum(ReadOnlySpan<Complex> spectra, int radii, int half, int i, int j, Span<Complex> s)
    {
        for (int r = 0; r < radii; r++)
        {
            ReadOnlySpan<Complex> a = spectra.Slice(((i * radii) + r) * half, half);
            ReadOnlySpan<Complex> b = spectra.Slice(((j * radii) + r) * half, half);
            for (int m = 0; m < half; m++)
            {
                s[m] += Complex.Conjugate(a[m]) * b[m];
            }
        }
    }

    private Span<Complex> Spectrum(int image, int radius) => _spectra.AsSpan(((image * _images!.Radii) + radius) * _half, _half);
}
