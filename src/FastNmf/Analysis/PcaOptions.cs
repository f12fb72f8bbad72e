namespace FastNmf.Analysis;

/// <summary>Settings of <see cref="Pca.Spectrum(Data.UnfoldedData, int, PcaOptions?)"/>.</summary>
public sealed record PcaOptions
{
    /// <summary>How the eigenvalues are found (default: by size, see <see cref="Pca"/>).</summary>
    public PcaMethod Method { get; init; } = PcaMethod.Auto;

    /// <summary>Worker threads for the passes over X.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Seed of the random start of the randomised method (results agree across seeds to the tolerance).</summary>
    public ulong Seed { get; init; }

    /// <summary>Rows per Krylov block of the randomised method (each step costs two passes over X with this many rows).</summary>
    public int BlockSize { get; init; } = 16;

    /// <summary>The randomised method stops when no rank-k residual ‖X‖² − Σ_{i≤k} λ_i (k ≤ count) changed by more than
    /// this fraction of itself in the last step. Values much below 1e-6 meet float rounding of the products.</summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>Called with a short status ("Krylov step 3: 48 of at most 80 directions", "Gram matrix: rows 640 of
    /// 1296", …) as the work advances, on the calling thread; null for none. For progress displays only.</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>Most Krylov steps of the randomised method (the space grows by <see cref="BlockSize"/> per step).</summary>
    public int MaxIterations { get; init; } = 64;

    internal void Validate()
    {
        if (!Enum.IsDefined(Method))
        {
            throw new ArgumentOutOfRangeException(nameof(Method), Method, "unknown PCA method.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Threads, 1, nameof(Threads));
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockSize, 1, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1, nameof(MaxIterations));
        if (!(Tolerance > 0 && Tolerance < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "the tolerance must be in (0, 1).");
        }
    }
}
