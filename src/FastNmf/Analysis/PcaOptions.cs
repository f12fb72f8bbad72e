namespace FastNmf.Analysis;

/// <summary>Settings of <see cref="Pca.Spectrum"/>.</summary>
public sealed record PcaOptions
{
    /// <summary>How the eigenvalues are found (default: by size, see <see cref="Pca"/>).</summary>
    public PcaMethod Method { get; init; } = PcaMethod.Auto;

    /// <summary>Worker threads for the passes over X.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Seed of the random start of the randomised method (results agree across seeds to the tolerance).</summary>
    public ulong Seed { get; init; }

    /// <summary>Extra directions carried by the randomised method beyond the wanted count (more converge faster).</summary>
    public int Oversampling { get; init; } = 16;

    /// <summary>The randomised method stops when no rank-k residual ‖X‖² − Σ_{i≤k} λ_i (k ≤ count) changes by more than
    /// this fraction of itself between two iterations.</summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>Most iterations (two passes over X each) of the randomised method.</summary>
    public int MaxIterations { get; init; } = 60;

    internal void Validate()
    {
        if (!Enum.IsDefined(Method))
        {
            throw new ArgumentOutOfRangeException(nameof(Method), Method, "unknown PCA method.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Threads, 1, nameof(Threads));
        ArgumentOutOfRangeException.ThrowIfNegative(Oversampling, nameof(Oversampling));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1, nameof(MaxIterations));
        if (!(Tolerance > 0 && Tolerance < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "the tolerance must be in (0, 1).");
        }
    }
}
