using System.Buffers.Binary;
using System.Text;

namespace FastNmf.IO.Dm;

/// <summary>
/// Parses the tag tree of a Gatan DigitalMicrograph <c>.dm3</c>/<c>.dm4</c> file. Layout (all structure fields
/// big-endian; tag values in the byte order the header gives):
/// <list type="bullet">
/// <item>Header: version (uint32: 3 or 4), root length (uint32 in DM3, uint64 in DM4), byte order of the values
/// (uint32: 1 little-endian, 0 big-endian) — 12 or 16 bytes.</item>
/// <item>A group: sorted flag (1 byte), open flag (1 byte), number of entries (uint32 | uint64), the entries.</item>
/// <item>An entry: kind (1 byte: 20 group, 21 data), label length (uint16), label, and in DM4 the entry's byte size
/// (uint64); then a group, or a data tag: the delimiter <c>%%%%</c>, the info length n (uint32 | uint64), n info words
/// (uint32 | uint64), then the value.</item>
/// <item>Info words: <c>[t]</c> a simple value of encoding t (<see cref="DmDataType"/>); <c>[18, length]</c> a string;
/// <c>[15, name length, field count, (name length, type)…]</c> a struct; <c>[20, t, count]</c> an array of simple t;
/// <c>[20, 15, struct info…, count]</c> an array of structs; <c>[20, 18, length, count]</c> and
/// <c>[20, 20, t, length, count]</c> arrays of strings and of arrays.</item>
/// </list>
/// Values are not loaded, only located (a 4-D stack is one array tag of gigabytes), except simple scalars.
/// </summary>
internal sealed class DmTagParser
{
    private const int MaxDepth = 64;
    private const long MaxInfoWords = 1024;

    private readonly ByteSource _file;
    private readonly byte[] _word = new byte[8];
    private long _position;

    private DmTagParser(ByteSource file)
    {
        _file = file;
    }

    /// <summary>The format version, 3 or 4.</summary>
    public int Version { get; private set; }

    /// <summary>Whether tag values (and the image data) are little-endian.</summary>
    public bool LittleEndian { get; private set; }

    private string Path => _file.Path;

    private int WordBytes => Version == 4 ? 8 : 4;

    /// <summary>Whether <paramref name="head"/> starts like a DM3 or DM4 file (version, then a byte-order word of 0 or 1).</summary>
    public static bool Looks(ReadOnlySpan<byte> head)
    {
        if (head.Length < 18)
        {
            return false;
        }

        uint version = BinaryPrimitives.ReadUInt32BigEndian(head);
        int order = version == 3 ? 8 : version == 4 ? 12 : -1;
        return order > 0 && BinaryPrimitives.ReadUInt32BigEndian(head[order..]) <= 1 && head[order + 4] <= 1 && head[order + 5] <= 1;
    }

    /// <summary>Parses the whole tree of <paramref name="file"/>.</summary>
    /// <exception cref="DataFormatException">an unknown version or byte order, a truncated or malformed entry (named with its offset).</exception>
    public static DmTagParser Parse(ByteSource file, out DmTag root)
    {
        var parser = new DmTagParser(file);
        root = parser.ParseFile();
        return parser;
    }

    private DmTag ParseFile()
    {
        Version = (int)Math.Min(ReadUInt32(), int.MaxValue);
        if (Version is not (3 or 4))
        {
            throw new DataFormatException(Path, 0, $"not a DigitalMicrograph file: version field is {Version} (3 or 4 expected).");
        }

        _ = ReadWord();
        long orderAt = _position;
        uint order = ReadUInt32();
        if (order > 1)
        {
            throw new DataFormatException(Path, orderAt, $"byte-order field is {order} (0 big-endian or 1 little-endian expected).");
        }

        LittleEndian = order == 1;
        return ParseGroup(string.Empty, _position, depth: 0);
    }

    private DmTag ParseGroup(string label, long entryOffset, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new DataFormatException(Path, entryOffset, $"tag groups nested deeper than {MaxDepth} levels.");
        }

        _position += 2; // sorted and open flags
        long countAt = _position;
        long count = ReadWord();
        // Every entry takes at least 4 bytes (kind, label length, delimiter): a larger count is a corrupt field.
        if (count < 0 || count > (_file.Length - _position) / 4)
        {
            throw new DataFormatException(Path, countAt, $"tag group '{label}' claims {count} entries, more than the rest of the file can hold.");
        }

        var children = new List<DmTag>();
        for (long i = 0; i < count; i++)
        {
            children.Add(ParseEntry(depth));
        }

        return new DmTag(label, entryOffset, children, null);
    }

    private DmTag ParseEntry(int depth)
    {
        long at = _position;
        byte kind = ReadBytes(1)[0];
        int labelLength = BinaryPrimitives.ReadUInt16BigEndian(ReadBytes(2));
        string label = labelLength == 0 ? string.Empty : ReadLabel(labelLength);
        if (Version == 4)
        {
            _ = ReadWord(); // the entry's byte size: the structure below says the same, so it is not needed
        }

        return kind switch
        {
            20 => ParseGroup(label, at, depth + 1),
            21 => ParseData(label, at),
            _ => throw new DataFormatException(Path, at, $"tag entry of unknown kind {kind} (20 group or 21 data expected)."),
        };
    }

    private DmTag ParseData(string label, long at)
    {
        if (!ReadBytes(4).SequenceEqual("%%%%"u8))
        {
            throw new DataFormatException(Path, _position - 4, $"data tag '{label}' lacks its '%%%%' delimiter.");
        }

        long infoAt = _position;
        long n = ReadWord();
        if (n < 1 || n > MaxInfoWords)
        {
            throw new DataFormatException(Path, infoAt, $"data tag '{label}' has {n} info words.");
        }

        var info = new long[n];
        for (long i = 0; i < n; i++)
        {
            info[i] = ReadWord();
        }

        (long element, long count, long bytes) = Size(label, info, infoAt);
        long dataAt = _position;
        if (bytes < 0 || bytes > _file.Length - dataAt)
        {
            throw new DataFormatException(Path, infoAt, $"data tag '{label}': its value of {bytes} bytes at byte {dataAt} runs past the end of the file ({_file.Length} bytes).");
        }

        double? scalar = n == 1 ? ReadScalar(info[0], dataAt) : null;
        _position = dataAt + bytes;
        return new DmTag(label, at, null, new DmData(info[0], element, count, dataAt, bytes, scalar));
    }

    // The value's size from its info words (see the class remarks); checked arithmetic, so absurd counts are errors.
    private (long Element, long Count, long Bytes) Size(string label, long[] info, long infoAt)
    {
        try
        {
            switch (info)
            {
                case [long t] when DmDataType.EncodingSize(t) > 0:
                    return (0, 1, DmDataType.EncodingSize(t));
                case [18, long length]:
                    return (0, 1, length);
                case [15, _, long fields, ..] when info.Length == 3 + (2 * fields):
                    return (0, 1, StructBytes(info.AsSpan(3), label, infoAt));
                case [20, long t, long count] when DmDataType.EncodingSize(t) > 0:
                    return (t, count, checked(count * DmDataType.EncodingSize(t)));
                case [20, 15, _, long fields, ..] when info.Length == 5 + (2 * fields):
                    return (15, info[^1], checked(info[^1] * StructBytes(info.AsSpan(4, (int)(2 * fields)), label, infoAt)));
                case [20, 18, long length, long count]:
                    return (18, count, checked(count * length));
                case [20, 20, long t, long length, long count] when DmDataType.EncodingSize(t) > 0:
                    return (20, count, checked(count * length * DmDataType.EncodingSize(t)));
            }
        }
        catch (OverflowException)
        {
            // Reported below with the info words.
        }

        throw new DataFormatException(Path, infoAt, $"data tag '{label}' has an unreadable encoding [{string.Join(", ", info.Take(8))}{(info.Length > 8 ? ", …" : string.Empty)}].");
    }

    private long StructBytes(ReadOnlySpan<long> fieldPairs, string label, long infoAt)
    {
        long bytes = 0;
        for (int i = 1; i < fieldPairs.Length; i += 2)
        {
            int size = DmDataType.EncodingSize(fieldPairs[i]);
            if (size == 0)
            {
                throw new DataFormatException(Path, infoAt, $"data tag '{label}': struct field of unknown type {fieldPairs[i]}.");
            }

            bytes += size;
        }

        return bytes;
    }

    private double? ReadScalar(long type, long at)
    {
        int size = DmDataType.EncodingSize(type);
        Span<byte> value = _word.AsSpan(0, size);
        _file.ReadExactly(at, value, $"a tag value at byte {at}");
        if (LittleEndian != BitConverter.IsLittleEndian)
        {
            value.Reverse();
        }

        Span<float> result = stackalloc float[1];
        double wide = type switch
        {
            7 => BitConverter.ToDouble(value),
            11 => BitConverter.ToInt64(value),
            12 => BitConverter.ToUInt64(value),
            _ => Narrow(value, type, result),
        };
        return wide;
    }

    private static double Narrow(ReadOnlySpan<byte> value, long type, Span<float> result)
    {
        ElementConversion.ToFloat32(value, result, DmDataType.FromEncoding(type)!.Value);
        return result[0];
    }

    private string ReadLabel(int length) => Encoding.Latin1.GetString(ReadBytes(length));

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(ReadBytes(4));

    private long ReadWord()
    {
        ReadOnlySpan<byte> bytes = ReadBytes(WordBytes);
        ulong value = WordBytes == 8 ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);
        return (long)Math.Min(value, long.MaxValue);
    }

    private ReadOnlySpan<byte> ReadBytes(int count)
    {
        byte[] buffer = count <= _word.Length ? _word : new byte[count];
        _file.ReadExactly(_position, buffer.AsSpan(0, count), $"the tag tree at byte {_position}");
        _position += count;
        return buffer.AsSpan(0, count);
    }
}
