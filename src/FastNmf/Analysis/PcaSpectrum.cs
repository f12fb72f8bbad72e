namespace FastNmf.Analysis;

/// <summary>
/// The leading eigenvalues of XXᵀ (squared singular values of X, uncentred) and the MSE of the best rank-k
/// approximation for k = 0..K: <c>MSE_k = (‖X‖² − Σ_{i≤k} λ_i) / (n_uv·n_xy)</c> — the same normalisation as the NMF's
/// MSE, so MSE_k is the lower bound any rank-k W·H can reach (Eckart–Young), the horizontal line of the paper's Fig. 7a.
/// </summary>
public sealed class PcaSpectrum
{
    private readonly double[] _eigenvalues;
    private readonly double[] _mse;

    internal PcaSpectrum(double[] eigenvalues, double sumOfSquares, int nUv, int nXy, PcaMethod method, int iterations, bool converged, TimeSpan elapsed)
    {
        _eigenvalues = eigenvalues;
        SumOfSquares = sumOfSquares;
        NUv = nUv;
        NXy = nXy;
        Method = method;
        Iterations = iterations;
        Converged = converged;
        Elapsed = elapsed;
        double n = (double)nUv * nXy;
        _mse = new double[eigenvalues.Length + 1];
        double residual = sumOfSquares;
        _mse[0] = residual / n;
        for (int k = 0; k < eigenvalues.Length; k++)
        {
            residual -= eigenvalues[k];
            _mse[k + 1] = Math.Max(0, residual) / n;
        }
    }

    /// <summary>K: how many eigenvalues were computed.</summary>
    public int MaxComponents => _eigenvalues.Length;

    /// <summary>λ_1 ≥ … ≥ λ_K, the leading eigenvalues of XXᵀ (equivalently of XᵀX): the scree curve.</summary>
    public IReadOnlyList<double> Eigenvalues => _eigenvalues;

    /// <summary>MSE of the best rank-k approximation, index k = 0..K (index 0: ‖X‖²/(n_uv·n_xy)).</summary>
    public IReadOnlyList<double> Mse => _mse;

    /// <summary>‖X‖², in double.</summary>
    public double SumOfSquares { get; }

    /// <summary>Unmasked detector pixels (rows of X).</summary>
    public int NUv { get; }

    /// <summary>Scan positions (columns of X).</summary>
    public int NXy { get; }

    /// <summary>The method that ran (never Auto).</summary>
    public PcaMethod Method { get; }

    /// <summary>Krylov steps of the randomised method (0 for Gram).</summary>
    public int Iterations { get; }

    /// <summary>False if the randomised method stopped at its iteration limit before the tolerance was met (its MSEs
    /// are then upper bounds of the true ones).</summary>
    public bool Converged { get; }

    /// <summary>Wall time.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Share of ‖X‖² the first k components explain, <c>Σ_{i≤k} λ_i / ‖X‖²</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k outside 0..K.</exception>
    public double Explained(int k)
    {
        CheckK(k);
        return SumOfSquares > 0 ? 1 - (_mse[k] * NUv * (double)NXy / SumOfSquares) : 0;
    }

    /// <summary>
    /// The smallest k (1..K) whose MSE is within <paramref name="fraction"/> of the rank-K one:
    /// <c>MSE_k − MSE_K ≤ fraction·MSE_K</c>. With K well above the true rank, the number of components worth fitting.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">fraction negative or not finite.</exception>
    public int SuggestComponents(double fraction)
    {
        CheckFraction(fraction);
        double limit = _mse[MaxComponents] * (1 + fraction);
        for (int k = 1; k <= MaxComponents; k++)
        {
            if (_mse[k] <= limit)
            {
                return k;
            }
        }

        return MaxComponents;
    }

    /// <summary>
    /// The noise floor of the spectrum: the median of the upper half of the computed eigenvalues (λ_{⌊K/2⌋+1}..λ_K),
    /// which for K well above the true rank are noise — for counted data the flat Poisson tail. Null when K &lt; 6 (too few
    /// eigenvalues to tell a tail).
    /// </summary>
    public double? NoiseFloor
    {
        get
        {
            if (MaxComponents < MinimumForNoiseFloor)
            {
                return null;
            }

            double[] tail = _eigenvalues[(MaxComponents / 2)..].Order().ToArray();
            int m = tail.Length;
            return m % 2 == 1 ? tail[m / 2] : 0.5 * (tail[(m / 2) - 1] + tail[m / 2]);
        }
    }

    /// <summary>The fewest eigenvalues <see cref="NoiseFloor"/> is estimated from.</summary>
    public const int MinimumForNoiseFloor = 6;

    /// <summary>
    /// The number of leading eigenvalues that stand above the noise: the largest k ≤ K/2 with λ_1..λ_k all above
    /// <paramref name="factor"/> × <see cref="NoiseFloor"/>. Unlike <see cref="SuggestComponents"/>, this sees
    /// components whose share of the MSE is small next to the noise (at the paper's dose the Poisson noise is most of
    /// the MSE, and the MSE rule suggests k = 1). Falls back to <c>SuggestComponents(0.05)</c> when K &lt; 6.
    /// </summary>
    /// <param name="factor">How far above the noise floor a component must stand (e.g. 1.5).</param>
    /// <exception cref="ArgumentOutOfRangeException">factor not a finite number above 1.</exception>
    public int SuggestAboveNoise(double factor)
    {
        if (!(factor > 1) || !double.IsFinite(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "the factor must be a finite number above 1.");
        }

        if (NoiseFloor is not { } floor)
        {
            return SuggestComponents(0.05);
        }

        int k = 0;
        while (k < MaxComponents / 2 && _eigenvalues[k] > factor * floor)
        {
            k++;
        }

        return Math.Max(1, k);
    }

    /// <summary>True when an NMF with k components reached an MSE within <paramref name="fraction"/> of PCA's rank-k
    /// bound: <c>nmfMse − MSE_k ≤ fraction·MSE_k</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k outside 1..K, or fraction/nmfMse negative or not finite.</exception>
    public bool IsNmfWithin(double nmfMse, int k, double fraction)
    {
        CheckK(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        CheckFraction(fraction);
        if (!double.IsFinite(nmfMse) || nmfMse < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(nmfMse), nmfMse, "the NMF MSE must be finite and non-negative.");
        }

        return nmfMse - _mse[k] <= fraction * _mse[k];
    }

    /// <summary>The smallest k among NMF runs at several k whose MSE is within <paramref name="fraction"/> of PCA's
    /// rank-k MSE (<see cref="IsNmfWithin"/>), or null if none is.</summary>
    /// <param name="nmfMseByK">Final NMF MSE per component count (each k in 1..K).</param>
    /// <param name="fraction">Allowed excess over the PCA bound, e.g. 0.001.</param>
    /// <exception cref="ArgumentOutOfRangeException">a k outside 1..K, or a negative or non-finite value.</exception>
    public int? FirstNmfWithin(IReadOnlyDictionary<int, double> nmfMseByK, double fraction)
    {
        ArgumentNullException.ThrowIfNull(nmfMseByK);
        foreach ((int k, double mse) in nmfMseByK.OrderBy(p => p.Key))
        {
            if (IsNmfWithin(mse, k, fraction))
            {
                return k;
            }
        }

        return null;
    }

    private void CheckK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, MaxComponents);
    }

    private static void CheckFraction(double fraction)
    {
        if (!double.IsFinite(fraction) || fraction < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the fraction must be finite and non-negative.");
        }
    }
}
