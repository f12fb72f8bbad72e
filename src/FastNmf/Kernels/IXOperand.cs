using FastNmf.Memory;

namespace FastNmf.Kernels;

/// <summary>
/// X in one storage format together with the two products the solver takes with it, parallel inside over the
/// operand's own partition. Factors are row-major with one component per row (W as K × n_uv, H as K × n_xy), where K
/// may stack the k components of several restarts: every product is row-independent, so a stacked call gives each
/// restart exactly what a call of its own would.
/// </summary>
internal interface IXOperand : IDisposable
{
    /// <summary>Storage and kernel, for summaries (e.g. "sparse float32 (38.1 % nonzero), SparseLanesVector512").</summary>
    string Description { get; }

    /// <summary>Largest K the operand was sized for.</summary>
    int MaxRows { get; }

    /// <summary><c>acc = H·X</c> (the paper's (X Hᵀ)ᵀ): h is K × n_xy, acc K × n_uv.</summary>
    void MultiplyHX(MatrixView h, MatrixView acc);

    /// <summary><c>dst = W·Xᵀ</c> (the paper's WᵀX): w is K × n_uv, dst K × n_xy.</summary>
    void MultiplyWX(MatrixView w, MatrixView dst);
}
