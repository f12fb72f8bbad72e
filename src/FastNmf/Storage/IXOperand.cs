using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>
/// X in one storage format (the frames this process holds) with the two products the solver takes with it, parallel
/// inside over the operand's own partition. Factors are row-major with one component per row (W as K × n_uv, H as
/// K × n_xy), where K may stack the k components of several restarts: every product is row-independent, so a stacked
/// call gives each restart exactly what a call of its own would.
/// </summary>
/// <remarks>
/// H·X is a sum over scan positions, so it is formed as the paper's reduction made explicit: each canonical frame
/// block's partial (from zero, a fixed order inside the block) is folded exactly into double accumulators on a grid set
/// by bounds every rank shares (<see cref="AccumulateHX"/>); the caller sums the accumulators over ranks (any order
/// gives the same bits) and converts them with <see cref="FinishHX"/>. W·Xᵀ is per frame and needs no reduction.
/// </remarks>
internal unsafe interface IXOperand : IDisposable
{
    /// <summary>Storage and kernel, for summaries (e.g. "sparse uint16 (38.1 % nonzero; …), SparseLanesVector512").</summary>
    string Description { get; }

    /// <summary>Largest K the operand was sized for.</summary>
    int MaxRows { get; }

    /// <summary>Doubles the folded H·X of <paramref name="rows"/> rows occupies (its layout is the operand's own).</summary>
    long AccumulatorLength(int rows);

    /// <summary>
    /// <c>acc = Σ_blocks fold(H_b · X_b)</c> over this process's canonical frame blocks, H as K × n_xy (local frames).
    /// <paramref name="componentPower"/>[c] is a power of two at least max_j |h_cj| over every rank (see
    /// <see cref="Kernels.Reductions.ExactFold.PowerAbove"/>); the grid of entry (c, u) is that times the operand's
    /// pixel grid (from Σ_j x_ju over the whole scan). acc is overwritten.
    /// </summary>
    void AccumulateHX(MatrixView h, double* componentPower, double* acc);

    /// <summary><c>a = (float)acc</c> for the K rows of <paramref name="a"/> (K × n_uv), acc as summed over ranks.</summary>
    void FinishHX(double* acc, MatrixView a);

    /// <summary><c>dst = W·Xᵀ</c> (the paper's WᵀX) for the local frames: w is K × n_uv, dst K × n_xy.</summary>
    void MultiplyWX(MatrixView w, MatrixView dst);
}
