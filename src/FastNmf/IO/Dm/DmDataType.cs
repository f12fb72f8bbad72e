namespace FastNmf.IO.Dm;

/// <summary>
/// DigitalMicrograph's two type vocabularies: the tag encoding codes of the tag tree (2 int16, 3 int32, 4 uint16,
/// 5 uint32, 6 float32, 7 float64, 8 bool, 9 int8, 10 uint8, 11 int64, 12 uint64; 15 struct, 18 string, 20 array) and
/// the image data type of <c>ImageData.DataType</c> (1 int16, 2 float32, 6 uint8, 7 int32, 9 int8, 10 uint16,
/// 11 uint32, 12 float64, 14 binary as uint8; complex and RGB types are not 4D-STEM counts and are refused).
/// </summary>
internal static class DmDataType
{
    /// <summary>Bytes of a simple tag encoding type, or 0 for a non-simple or unknown code.</summary>
    public static int EncodingSize(long type) => type switch
    {
        2 or 4 => 2,
        3 or 5 or 6 => 4,
        7 or 11 or 12 => 8,
        8 or 9 or 10 => 1,
        _ => 0,
    };

    /// <summary>The element type of a tag encoding code, for decoding scalars.</summary>
    public static NpyDtype? FromEncoding(long type) => type switch
    {
        2 => NpyDtype.Int16,
        3 => NpyDtype.Int32,
        4 => NpyDtype.UInt16,
        5 => NpyDtype.UInt32,
        6 => NpyDtype.Float32,
        7 => NpyDtype.Float64,
        8 or 10 => NpyDtype.UInt8,
        9 => NpyDtype.Int8,
        11 => NpyDtype.Int64,
        12 => NpyDtype.UInt64,
        _ => null,
    };

    /// <summary>The element type of an image data type code, or null when it is not readable as counts.</summary>
    public static (NpyDtype Dtype, int Size)? FromImage(long code) => code switch
    {
        1 => (NpyDtype.Int16, 2),
        2 => (NpyDtype.Float32, 4),
        6 or 14 => (NpyDtype.UInt8, 1),
        7 => (NpyDtype.Int32, 4),
        9 => (NpyDtype.Int8, 1),
        10 => (NpyDtype.UInt16, 2),
        11 => (NpyDtype.UInt32, 4),
        12 => (NpyDtype.Float64, 8),
        _ => null,
    };
}
