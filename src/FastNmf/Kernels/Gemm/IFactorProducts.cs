using FastNmf.Memory;

namespace FastNmf.Kernels.Gemm;

/// <summary>
/// The products that touch X. X is stored frame-major (one diffraction per row, <c>n_xy × n_uv</c>, i.e. the
/// paper's X transposed) and W as <c>k × n_uv</c> (Wᵀ), so every product streams whole diffractions and every
/// call works on a block of frames — the same call serves a streaming frame or one MPI rank's scan rows.
/// Implementations are single-threaded over the views they get; the caller partitions.
/// </summary>
internal interface IFactorProducts
{
    string Name { get; }

    /// <summary>True when each call runs multithreaded by itself (a native BLAS): the caller then makes one call per
    /// product instead of splitting it across its workers — never both at once.</summary>
    bool ThreadsItself => false;

    /// <summary><c>acc += H·X</c> over the given frames: acc is <c>k × m</c>, h is <c>k × n</c>, x is <c>n × m</c>.
    /// This is (X Hᵀ)ᵀ restricted to a block of columns of X — partial sums over blocks add up (explicit reduction).</summary>
    void AccumulateHX(MatrixView h, MatrixView x, MatrixView acc);

    /// <summary><c>dst = W·Xᵀ</c>: dst is <c>k × n</c>, w is <c>k × m</c>, x is <c>n × m</c> — (WᵀX) for a block of frames.</summary>
    void ProjectWX(MatrixView w, MatrixView x, MatrixView dst);

    /// <summary><c>dst = M·src</c> for a small square <paramref name="m"/> (<c>k × k</c>, row-major, double) and
    /// <c>k × n</c> src/dst (must not overlap).</summary>
    void MultiplySmall(ReadOnlySpan<double> m, MatrixView src, MatrixView dst);

    /// <summary><c>g = A·Aᵀ</c> accumulated in double: a is <c>k × n</c>, g is <c>k × k</c>.</summary>
    void Gram(MatrixView a, Span<double> g);
}
