namespace FastNmf;

/// <summary>How X is held for the two products of every iteration.</summary>
public enum XStorage
{
    /// <summary>Sparse when at least <see cref="NmfOptions.SparseThreshold"/> of X is zero and the detector has at most
    /// 65 536 unmasked pixels, dense otherwise.</summary>
    Auto,

    /// <summary>Every value as float32, frame-major.</summary>
    Dense,

    /// <summary>Only the nonzero values with their uint16 detector indices (counted data is mostly zeros).</summary>
    Sparse,
}
