namespace FastNmf.Analysis;

/// <summary>How <see cref="Pca.Spectrum(Data.UnfoldedData, int, PcaOptions?)"/> finds the leading eigenvalues of XXᵀ.</summary>
public enum PcaMethod
{
    /// <summary>Chosen by the size of the smaller Gram matrix (measured crossover, see <see cref="Pca"/>).</summary>
    Auto,

    /// <summary>Forms the smaller Gram matrix (n_xy × n_xy or n_uv × n_uv) and takes all its eigenvalues
    /// (Householder tridiagonalisation in double, then bisection): exact, O(n_s²·n_l + n_s³).</summary>
    Gram,

    /// <summary>Randomised block Krylov iteration on X itself for the leading eigenvalues only (two passes over X per
    /// step, run until the rank-k residuals settle): the only choice when the smaller side is large.</summary>
    Randomized,
}
