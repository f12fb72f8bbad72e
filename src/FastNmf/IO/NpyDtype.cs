namespace FastNmf.IO;

/// <summary>The element types of <c>.npy</c> files that FastNmf can read.</summary>
public enum NpyDtype
{
    /// <summary>Signed 8-bit integer (<c>i1</c>).</summary>
    Int8,

    /// <summary>Unsigned 8-bit integer (<c>u1</c>).</summary>
    UInt8,

    /// <summary>Signed 16-bit integer (<c>i2</c>).</summary>
    Int16,

    /// <summary>Unsigned 16-bit integer (<c>u2</c>).</summary>
    UInt16,

    /// <summary>Signed 32-bit integer (<c>i4</c>).</summary>
    Int32,

    /// <summary>Unsigned 32-bit integer (<c>u4</c>).</summary>
    UInt32,

    /// <summary>Signed 64-bit integer (<c>i8</c>).</summary>
    Int64,

    /// <summary>Unsigned 64-bit integer (<c>u8</c>).</summary>
    UInt64,

    /// <summary>IEEE 754 half precision (<c>f2</c>).</summary>
    Float16,

    /// <summary>IEEE 754 single precision (<c>f4</c>).</summary>
    Float32,

    /// <summary>IEEE 754 double precision (<c>f8</c>).</summary>
    Float64,
}
