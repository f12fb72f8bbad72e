namespace FastNmf;

/// <summary>How X is held for the two products of every iteration.</summary>
public enum XStorage
{
    /// <summary>For counts: sparse or uint16, whichever the measured costs say is faster at X's density for the run's
    /// stacked rows (see <see cref="Factorizer.ChooseStorage(Data.UnfoldedData, int)"/>); for real values: sparse when
    /// at least <see cref="NmfOptions.SparseThreshold"/> of X is zero; otherwise uint16 when every value is an integer in
    /// [0, 65 535] and the X products run on the managed kernels; float32 otherwise.</summary>
    Auto,

    /// <summary>Every value as float32, frame-major.</summary>
    Dense,

    /// <summary>Only the nonzero values, in spans of 64 positions with byte indices, twice (across pixels and across
    /// frames); counts as uint16 values (counted data is mostly zeros).</summary>
    Sparse,

    /// <summary>Every value as uint16, frame-major, converted to float inside the product kernels: half the bytes of
    /// float32 per pass, exact for counted electrons (integers in [0, 65 535]; anything else is refused). Managed
    /// kernels only.</summary>
    DenseUInt16,
}
