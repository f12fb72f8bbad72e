namespace FastNmf.Constraints;

/// <summary>
/// A square, odd-sized 2-D convolution kernel for the map constraint [·]_H, normalised to sum 1 so that a map's
/// total intensity is preserved. Built from the probe size and scan step (the paper's Methods) or given directly.
/// When the kernel is the outer product of one 1-D kernel with itself (every Gaussian) the constraint runs it as two
/// 1-D passes.
/// </summary>
public sealed class ConvolutionKernel
{
    private static readonly double s_fwhmPerSigma = 2 * Math.Sqrt(2 * Math.Log(2));
    private readonly float[] _weights;
    private readonly float[]? _separable;

    private ConvolutionKernel(float[] weights, int size, string description)
    {
        _weights = weights;
        Size = size;
        Description = description;
        _separable = FindSeparableFactor(weights, size);
    }

    /// <summary>Side length (odd).</summary>
    public int Size { get; }

    /// <summary>The FWHM in scan pixels this kernel was built for, or null for a kernel given as weights.</summary>
    public double? FwhmPixels { get; private init; }

    private KernelShape Shape { get; init; }

    private double Eta { get; init; }

    /// <summary>Half width: <c>(Size − 1) / 2</c>.</summary>
    public int Radius => Size / 2;

    /// <summary>A human-readable description (shape, FWHM, size), for summaries.</summary>
    public string Description { get; }

    /// <summary>Row-major <c>Size × Size</c> weights, summing to 1.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>True when the kernel equals <c>f fᵀ</c> for the 1-D <see cref="SeparableFactor"/> (to 1e-6 relative).</summary>
    public bool IsSeparable => _separable is not null;

    /// <summary>The 1-D factor of a separable kernel (empty otherwise).</summary>
    public ReadOnlySpan<float> SeparableFactor => _separable;

    /// <summary>
    /// The kernel for a probe of full width at half maximum <paramref name="probeFwhm"/> scanned with step
    /// <paramref name="scanStep"/> (same length unit). The FWHM in scan pixels is <c>probeFwhm / scanStep</c>; unless
    /// <paramref name="size"/> is given the kernel spans ±FWHM (radius = max(1, ⌈FWHM_px − ½⌉)), which for the paper's
    /// 2 nm probe at 1.5 nm steps is the 3×3 kernel of Fig. 5a.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">a non-positive or non-finite size, step or FWHM; an even size; η outside [0, 1].</exception>
    public static ConvolutionKernel FromProbe(double probeFwhm, double scanStep, KernelShape shape = KernelShape.Gaussian, int? size = null, double eta = 0.5)
    {
        if (!(scanStep > 0) || !double.IsFinite(scanStep))
        {
            throw new ArgumentOutOfRangeException(nameof(scanStep), scanStep, "scan step must be a positive number.");
        }

        if (!(probeFwhm > 0) || !double.IsFinite(probeFwhm))
        {
            throw new ArgumentOutOfRangeException(nameof(probeFwhm), probeFwhm, "probe FWHM must be a positive number.");
        }

        return FromFwhmPixels(probeFwhm / scanStep, shape, size, eta);
    }

    /// <summary>The kernel for a point-spread function of FWHM <paramref name="fwhmPixels"/> scan pixels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">see <see cref="FromProbe"/>.</exception>
    public static ConvolutionKernel FromFwhmPixels(double fwhmPixels, KernelShape shape = KernelShape.Gaussian, int? size = null, double eta = 0.5)
    {
        if (!(fwhmPixels > 0) || !double.IsFinite(fwhmPixels))
        {
            throw new ArgumentOutOfRangeException(nameof(fwhmPixels), fwhmPixels, "FWHM must be a positive number of pixels.");
        }

        if (!(eta >= 0 && eta <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(eta), eta, "the pseudo-Voigt mixing η must be in [0, 1].");
        }

        int n = size ?? 2 * Math.Max(1, (int)Math.Ceiling(fwhmPixels - 0.5)) + 1;
        CheckSize(n);
        int r = n / 2;
        double sigma = fwhmPixels / s_fwhmPerSigma;
        double gamma = fwhmPixels / 2;
        var g = new double[n * n];
        var l = new double[n * n];
        for (int y = -r; y <= r; y++)
        {
            for (int x = -r; x <= r; x++)
            {
                double d2 = (x * x) + (y * y);
                g[(y + r) * n + x + r] = Math.Exp(-d2 / (2 * sigma * sigma));
                l[(y + r) * n + x + r] = 1 / (1 + (d2 / (gamma * gamma)));
            }
        }

        Normalise(g);
        Normalise(l);
        double mix = shape switch
        {
            KernelShape.Gaussian => 0,
            KernelShape.Lorentzian => 1,
            _ => eta,
        };
        var w = new float[n * n];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (float)((mix * l[i]) + ((1 - mix) * g[i]));
        }

        string what = shape == KernelShape.PseudoVoigt ? $"pseudo-Voigt (η = {eta:G3})" : shape.ToString();
        return new ConvolutionKernel(NormaliseFloat(w), n, $"{what}, FWHM {fwhmPixels:G4} px, {n}×{n}")
        {
            FwhmPixels = fwhmPixels,
            Shape = shape,
            Eta = eta,
        };
    }

    /// <summary>
    /// The same point-spread function on a scan binned <paramref name="factor"/> × <paramref name="factor"/>: the FWHM in
    /// (larger) scan pixels divided by the factor, its size chosen anew (<see cref="FromFwhmPixels"/>); null for a kernel
    /// given as weights, which has no width to scale.
    /// </summary>
    public ConvolutionKernel? ForBinnedScan(int factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        return FwhmPixels is double fwhm ? FromFwhmPixels(fwhm / factor, Shape, null, Eta) : null;
    }

    /// <summary>A kernel from explicit weights (<c>size × size</c>, row-major), normalised to sum 1.</summary>
    /// <exception cref="ArgumentException">wrong length, even size, negative, non-finite or all-zero weights.</exception>
    public static ConvolutionKernel FromWeights(ReadOnlySpan<float> weights, int size)
    {
        CheckSize(size);
        if (weights.Length != size * size)
        {
            throw new ArgumentException($"a {size}×{size} kernel needs {size * size} weights, got {weights.Length}.", nameof(weights));
        }

        double sum = 0;
        foreach (float v in weights)
        {
            if (!float.IsFinite(v) || v < 0)
            {
                throw new ArgumentException($"kernel weights must be finite and non-negative (found {v}).", nameof(weights));
            }

            sum += v;
        }

        if (sum <= 0)
        {
            throw new ArgumentException("kernel weights sum to zero.", nameof(weights));
        }

        return new ConvolutionKernel(NormaliseFloat(weights.ToArray()), size, $"custom {size}×{size}");
    }

    private static void CheckSize(int n)
    {
        if (n < 1 || n % 2 == 0 || n > 101)
        {
            throw new ArgumentOutOfRangeException("size", n, "kernel size must be odd, between 1 and 101.");
        }
    }

    private static void Normalise(double[] v)
    {
        double s = v.Sum();
        for (int i = 0; i < v.Length; i++)
        {
            v[i] /= s;
        }
    }

    private static float[] NormaliseFloat(float[] v)
    {
        double s = 0;
        foreach (float x in v)
        {
            s += x;
        }

        for (int i = 0; i < v.Length; i++)
        {
            v[i] = (float)(v[i] / s);
        }

        return v;
    }

    // K = f fᵀ exactly when K is symmetric rank one; f = K[:, c] / sqrt(K[c, c]) at the largest diagonal element.
    private static float[]? FindSeparableFactor(float[] k, int n)
    {
        int c = 0;
        for (int i = 1; i < n; i++)
        {
            if (k[i * n + i] > k[c * n + c])
            {
                c = i;
            }
        }

        double pivot = k[c * n + c];
        if (pivot <= 0)
        {
            return null;
        }

        var f = new float[n];
        double root = Math.Sqrt(pivot);
        for (int i = 0; i < n; i++)
        {
            f[i] = (float)(k[i * n + c] / root);
        }

        float max = k.Max();
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n; x++)
            {
                if (Math.Abs(k[y * n + x] - ((double)f[y] * f[x])) > 1e-6 * max)
                {
                    return null;
                }
            }
        }

        return f;
    }
}
