using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FastNmf.IO;

/// <summary>
/// The parsed header of a <c>.npy</c> file (format versions 1.0, 2.0 and 3.0): element type, byte order, memory
/// order, shape and where the data starts.
/// </summary>
public sealed class NpyHeader
{
    private const int PreambleV1 = 10;
    private const int PreambleV2 = 12;

    // NumPy itself refuses headers over 10 000 bytes by default; this is far more generous but still stops a
    // corrupt length field from making us allocate gigabytes for a "header".
    private const long MaxHeaderLength = 16 * 1024 * 1024;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyHeader(
        int majorVersion,
        int minorVersion,
        string descr,
        NpyDtype dtype,
        int itemSize,
        bool isBigEndian,
        bool fortranOrder,
        long[] shape,
        long elementCount,
        long headerOffset,
        long dataOffset)
    {
        MajorVersion = majorVersion;
        MinorVersion = minorVersion;
        Descr = descr;
        Dtype = dtype;
        ItemSize = itemSize;
        IsBigEndian = isBigEndian;
        FortranOrder = fortranOrder;
        Shape = shape;
        ElementCount = elementCount;
        HeaderOffset = headerOffset;
        DataOffset = dataOffset;
    }

    /// <summary>Major format version (1, 2 or 3).</summary>
    public int MajorVersion { get; }

    /// <summary>Minor format version (always 0 for the supported versions).</summary>
    public int MinorVersion { get; }

    /// <summary>The <c>descr</c> string exactly as stored, e.g. <c>&lt;f4</c>.</summary>
    public string Descr { get; }

    /// <summary>The element type.</summary>
    public NpyDtype Dtype { get; }

    /// <summary>Size of one element in bytes.</summary>
    public int ItemSize { get; }

    /// <summary>Whether multi-byte elements are stored big-endian. Always <see langword="false"/> for 1-byte types.</summary>
    public bool IsBigEndian { get; }

    /// <summary>Whether the data is stored in Fortran (column-major) order rather than C (row-major) order.</summary>
    public bool FortranOrder { get; }

    /// <summary>The dimensions, outermost first; empty for a 0-d array.</summary>
    public long[] Shape { get; }

    /// <summary>Product of <see cref="Shape"/> (1 for a 0-d array).</summary>
    public long ElementCount { get; }

    /// <summary>Number of bytes the data section must have: <see cref="ElementCount"/> × <see cref="ItemSize"/>.</summary>
    public long DataLength => ElementCount * ItemSize;

    /// <summary>Byte offset of the header dictionary (10 for version 1.0, 12 otherwise); useful when reporting a header
    /// that parses but does not fit what the caller expects.</summary>
    public long HeaderOffset { get; }

    /// <summary>Byte offset at which the data section starts.</summary>
    public long DataOffset { get; }

    /// <summary>Formats <see cref="Shape"/> the way Python prints a tuple, e.g. <c>(5,)</c> or <c>(2, 3)</c>.</summary>
    /// <returns>The shape as text.</returns>
    public string FormatShape() => FormatShape(Shape);

    /// <summary>Reads and validates the header from <paramref name="stream"/>, leaving it positioned at the data.</summary>
    /// <param name="stream">A stream positioned at the start of the file.</param>
    /// <param name="path">The file name to put into error messages.</param>
    /// <returns>The parsed header.</returns>
    /// <exception cref="DataFormatException">The preamble or header is malformed or describes an unsupported array.</exception>
    internal static NpyHeader Parse(Stream stream, string path)
    {
        long? available = stream.CanSeek ? stream.Length - stream.Position : null;

        Span<byte> preamble = stackalloc byte[PreambleV2];
        int got = stream.ReadAtLeast(preamble[..PreambleV1], PreambleV1, throwOnEndOfStream: false);
        if (got < PreambleV1)
        {
            throw new DataFormatException(path, 0, $"file is only {got} bytes long, too short to be an .npy file (at least {PreambleV1} bytes needed)");
        }

        if (!preamble[..Magic.Length].SequenceEqual(Magic))
        {
            throw new DataFormatException(path, 0, "not an .npy file: the magic string \\x93NUMPY is missing");
        }

        int major = preamble[6];
        int minor = preamble[7];
        if (major is not (1 or 2 or 3) || minor != 0)
        {
            throw new DataFormatException(path, 6, $"unsupported .npy format version {major}.{minor} (1.0, 2.0 and 3.0 are supported)");
        }

        long headerLength;
        int headerOffset;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]);
            headerOffset = PreambleV1;
        }
        else
        {
            if (stream.ReadAtLeast(preamble[PreambleV1..], 2, throwOnEndOfStream: false) < 2)
            {
                throw new DataFormatException(path, 8, "the header length field runs past the end of the file");
            }

            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]);
            headerOffset = PreambleV2;
        }

        if (available is { } fileLength && headerOffset + headerLength > fileLength)
        {
            throw new DataFormatException(path, 8, $"header length {headerLength} runs past the end of the file (header would end at byte {headerOffset + headerLength}, file has {fileLength} bytes)");
        }

        if (headerLength > MaxHeaderLength)
        {
            throw new DataFormatException(path, 8, $"header length {headerLength} is implausibly large");
        }

        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false) < headerBytes.Length)
        {
            throw new DataFormatException(path, 8, $"header length {headerLength} runs past the end of the file");
        }

        string text;
        if (major == 3)
        {
            try
            {
                text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(headerBytes);
            }
            catch (DecoderFallbackException ex)
            {
                throw new DataFormatException(path, headerOffset, "malformed header: not valid UTF-8", ex);
            }
        }
        else
        {
            // Versions 1.0 and 2.0 are specified as ASCII; NumPy decodes them as Latin-1, which cannot fail.
            text = Encoding.Latin1.GetString(headerBytes);
        }

        Dictionary<string, (object? Value, string Raw)> dict;
        try
        {
            dict = new NpyLiteralParser(text).ParseHeaderDict();
        }
        catch (FormatException ex)
        {
            throw new DataFormatException(path, headerOffset, $"malformed header: {ex.Message}", ex);
        }

        var descrEntry = Require(dict, "descr", path, headerOffset);
        var orderEntry = Require(dict, "fortran_order", path, headerOffset);
        var shapeEntry = Require(dict, "shape", path, headerOffset);

        if (descrEntry.Value is not string descr || !TryParseDescr(descr, out NpyDtype dtype, out int itemSize, out bool bigEndian))
        {
            throw new DataFormatException(path, headerOffset, $"unsupported dtype {Abbreviate(descrEntry.Raw)} (readable: u1, i1, u2, i2, u4, i4, u8, i8, f2, f4, f8 in either byte order)");
        }

        if (orderEntry.Value is not bool fortranOrder)
        {
            throw new DataFormatException(path, headerOffset, $"malformed header: 'fortran_order' must be True or False, not {Abbreviate(orderEntry.Raw)}");
        }

        long[] shape = ParseShape(shapeEntry, path, headerOffset);
        long count;
        try
        {
            count = 1;
            foreach (long dimension in shape)
            {
                count = checked(count * dimension);
            }

            _ = checked(count * itemSize);
        }
        catch (OverflowException ex)
        {
            throw new DataFormatException(path, headerOffset, $"shape {Abbreviate(shapeEntry.Raw)}: element count overflows 64-bit arithmetic", ex);
        }

        return new NpyHeader(major, minor, descr, dtype, itemSize, bigEndian, fortranOrder, shape, count, headerOffset, headerOffset + headerLength);
    }

    internal static string FormatShape(ReadOnlySpan<long> shape)
    {
        if (shape.Length == 1)
        {
            return "(" + shape[0].ToString(CultureInfo.InvariantCulture) + ",)";
        }

        var text = new StringBuilder("(");
        for (int i = 0; i < shape.Length; i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }

        return text.Append(')').ToString();
    }

    private static (object? Value, string Raw) Require(Dictionary<string, (object? Value, string Raw)> dict, string key, string path, long headerOffset) =>
        dict.TryGetValue(key, out var entry)
            ? entry
            : throw new DataFormatException(path, headerOffset, $"malformed header: the key '{key}' is missing");

    private static long[] ParseShape((object? Value, string Raw) entry, string path, long headerOffset)
    {
        // NumPy always writes a tuple; a list is accepted because it is unambiguous.
        if (entry.Value is not NpyLiteralParser.Sequence sequence)
        {
            throw new DataFormatException(path, headerOffset, $"malformed header: 'shape' must be a tuple of integers, not {Abbreviate(entry.Raw)}");
        }

        var shape = new long[sequence.Items.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            switch (sequence.Items[i])
            {
                case long dimension when dimension < 0:
                    throw new DataFormatException(path, headerOffset, $"shape {Abbreviate(entry.Raw)} has a negative dimension {dimension}");
                case long dimension:
                    shape[i] = dimension;
                    break;
                case NpyLiteralParser.OversizedInteger { Negative: true }:
                    throw new DataFormatException(path, headerOffset, $"shape {Abbreviate(entry.Raw)} has a negative dimension");
                case NpyLiteralParser.OversizedInteger:
                    throw new DataFormatException(path, headerOffset, $"shape {Abbreviate(entry.Raw)}: element count overflows 64-bit arithmetic");
                default:
                    throw new DataFormatException(path, headerOffset, $"shape {Abbreviate(entry.Raw)} has a non-integer dimension at position {i}");
            }
        }

        return shape;
    }

    private static bool TryParseDescr(string descr, out NpyDtype dtype, out int itemSize, out bool bigEndian)
    {
        ReadOnlySpan<char> code = descr;
        char order = '=';
        if (code.Length > 0 && code[0] is '<' or '>' or '=' or '|')
        {
            order = code[0];
            code = code[1..];
        }

        (dtype, itemSize) = code switch
        {
            "i1" => (NpyDtype.Int8, 1),
            "u1" => (NpyDtype.UInt8, 1),
            "i2" => (NpyDtype.Int16, 2),
            "u2" => (NpyDtype.UInt16, 2),
            "i4" => (NpyDtype.Int32, 4),
            "u4" => (NpyDtype.UInt32, 4),
            "i8" => (NpyDtype.Int64, 8),
            "u8" => (NpyDtype.UInt64, 8),
            "f2" => (NpyDtype.Float16, 2),
            "f4" => (NpyDtype.Float32, 4),
            "f8" => (NpyDtype.Float64, 8),
            _ => (default(NpyDtype), 0),
        };

        // '|' means "byte order not applicable", which NumPy only writes for single-byte types.
        bigEndian = itemSize > 1 && (order == '>' || (order == '=' && !BitConverter.IsLittleEndian));
        return itemSize > 0 && !(order == '|' && itemSize > 1);
    }

    internal static string Abbreviate(string raw) => raw.Length <= 80 ? raw : string.Concat(raw.AsSpan(0, 77), "...");
}
