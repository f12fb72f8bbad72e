namespace FastNmf.IO;

/// <summary>
/// An N-dimensional array loaded from a <c>.npy</c> file, converted to single precision in C (row-major) order
/// regardless of how it was stored, so downstream code has exactly one layout to handle.
/// </summary>
public sealed class NpyArray
{
    internal NpyArray(long[] shape, NpyDtype sourceDtype, bool wasFortranOrder, float[] data)
    {
        Shape = shape;
        SourceDtype = sourceDtype;
        WasFortranOrder = wasFortranOrder;
        Data = data;
    }

    /// <summary>The dimensions, outermost first. Empty for a 0-d (scalar) array.</summary>
    public long[] Shape { get; }

    /// <summary>The element type the file stored; values were converted from it to <see cref="float"/>.</summary>
    public NpyDtype SourceDtype { get; }

    /// <summary>Whether the file was in Fortran (column-major) order; <see cref="Data"/> has been transposed to C order.</summary>
    public bool WasFortranOrder { get; }

    /// <summary>The elements in C (row-major) order; its length is the product of <see cref="Shape"/>.</summary>
    public float[] Data { get; }
}
