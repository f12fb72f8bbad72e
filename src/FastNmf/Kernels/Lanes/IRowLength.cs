namespace FastNmf.Kernels.Lanes;

/// <summary>Whether one pass of a register-blocked kernel covers a whole lane row, so the row length is the pass's
/// N × width, a constant the JIT folds into the address arithmetic.</summary>
internal interface IRowLength
{
    static abstract bool OnePass { get; }
}
