using System.Buffers.Binary;
using System.Text;

namespace FastNmf.IO.Npz;

/// <summary>
/// Reads the central directory of a zip archive (PKWARE APPNOTE 6.3), enough for NumPy's <c>.npz</c>: the end record
/// (signature <c>PK\5\6</c>, 22 bytes + comment, found by scanning back from the end), the zip64 locator and end record
/// when a field is saturated (<c>0xFFFFFFFF</c>), then one 46-byte record per member (<c>PK\1\2</c>: method at +10,
/// sizes at +20/+24, name/extra/comment lengths at +28/+30/+32, local header offset at +42) with its zip64 extra field
/// (id 1: size, compressed size, offset, in that order, only those saturated). All fields little-endian.
/// </summary>
internal static class ZipDirectory
{
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint EntrySignature = 0x02014b50;
    private const uint LocalSignature = 0x04034b50;
    private const int EndLength = 22;
    private const int EntryLength = 46;
    private const int LocalLength = 30;

    // Far more than any .npz needs (a few hundred bytes per member), small enough that a corrupt size cannot make us
    // allocate gigabytes.
    private const long MaxDirectoryBytes = 64L << 20;

    /// <summary>The members of the archive, in directory order.</summary>
    /// <exception cref="DataFormatException">no end record, or a record that points outside the file or is malformed.</exception>
    public static IReadOnlyList<ZipMember> Read(FileByteSource file)
    {
        string path = file.Path;
        long length = file.Length;
        int tailLength = (int)Math.Min(length, EndLength + ushort.MaxValue);
        var tail = new byte[tailLength];
        file.ReadExactly(length - tailLength, tail, "the zip end record");
        int at = -1;
        for (int i = tailLength - EndLength; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == EndSignature)
            {
                at = i;
                break;
            }
        }

        if (at < 0)
        {
            throw new DataFormatException(path, null, "not a zip archive: no end-of-central-directory record (PK\\5\\6) in the last 64 KiB.");
        }

        long endOffset = length - tailLength + at;
        ReadOnlySpan<byte> end = tail.AsSpan(at, EndLength);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(end[10..]);
        long directorySize = BinaryPrimitives.ReadUInt32LittleEndian(end[12..]);
        long directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(end[16..]);
        if (count == ushort.MaxValue || directorySize == uint.MaxValue || directoryOffset == uint.MaxValue)
        {
            (count, directorySize, directoryOffset) = ReadZip64End(file, endOffset);
        }

        if (directoryOffset < 0 || directorySize < 0 || directorySize > MaxDirectoryBytes || directoryOffset + directorySize > endOffset || count > directorySize / EntryLength)
        {
            throw new DataFormatException(path, endOffset + 12,
                $"central directory of {count} member(s), {directorySize} bytes at byte {directoryOffset}, does not fit before the end record at byte {endOffset}.");
        }

        var directory = new byte[directorySize];
        file.ReadExactly(directoryOffset, directory, "the zip central directory");
        var members = new List<ZipMember>((int)count);
        int p = 0;
        for (long m = 0; m < count; m++)
        {
            members.Add(ReadEntry(path, directory, ref p, directoryOffset, endOffset));
        }

        return members;
    }

    /// <summary>The offset of <paramref name="member"/>'s data: after its 30-byte local header, name and extra field.</summary>
    /// <exception cref="DataFormatException">the local header is missing or its data would run past the end of the file.</exception>
    public static long DataOffset(FileByteSource file, ZipMember member)
    {
        Span<byte> local = stackalloc byte[LocalLength];
        file.ReadExactly(member.LocalHeaderOffset, local, $"the local header of member '{member.Name}'");
        if (BinaryPrimitives.ReadUInt32LittleEndian(local) != LocalSignature)
        {
            throw new DataFormatException(file.Path, member.LocalHeaderOffset, $"member '{member.Name}': no local header signature (PK\\3\\4) where the directory points.");
        }

        long data = member.LocalHeaderOffset + LocalLength + BinaryPrimitives.ReadUInt16LittleEndian(local[26..]) + BinaryPrimitives.ReadUInt16LittleEndian(local[28..]);
        if (data + member.CompressedSize > file.Length)
        {
            throw new DataFormatException(file.Path, data,
                $"truncated: member '{member.Name}' needs {member.CompressedSize} bytes at byte {data}, the file has {file.Length}.");
        }

        return data;
    }

    private static (long Count, long Size, long Offset) ReadZip64End(FileByteSource file, long endOffset)
    {
        Span<byte> locator = stackalloc byte[20];
        if (endOffset < 20)
        {
            throw new DataFormatException(file.Path, endOffset, "saturated end record without a zip64 locator before it.");
        }

        file.ReadExactly(endOffset - 20, locator, "the zip64 locator");
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature)
        {
            throw new DataFormatException(file.Path, endOffset - 20, "saturated end record without a zip64 locator (PK\\6\\7) before it.");
        }

        long recordOffset = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(locator[8..]), long.MaxValue);
        Span<byte> record = stackalloc byte[56];
        file.ReadExactly(recordOffset, record, "the zip64 end record");
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndSignature)
        {
            throw new DataFormatException(file.Path, recordOffset, "no zip64 end record (PK\\6\\6) where the locator points.");
        }

        return (Clamp(record[32..]), Clamp(record[40..]), Clamp(record[48..]));
    }

    private static ZipMember ReadEntry(string path, byte[] directory, ref int p, long directoryOffset, long endOffset)
    {
        long at = directoryOffset + p;
        if (p + EntryLength > directory.Length || BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(p)) != EntrySignature)
        {
            throw new DataFormatException(path, at, "malformed central directory: expected a member record (PK\\1\\2).");
        }

        ReadOnlySpan<byte> e = directory.AsSpan(p, EntryLength);
        int method = BinaryPrimitives.ReadUInt16LittleEndian(e[10..]);
        long compressed = BinaryPrimitives.ReadUInt32LittleEndian(e[20..]);
        long size = BinaryPrimitives.ReadUInt32LittleEndian(e[24..]);
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(e[28..]);
        int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(e[30..]);
        int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(e[32..]);
        long local = BinaryPrimitives.ReadUInt32LittleEndian(e[42..]);
        int next = p + EntryLength + nameLength + extraLength + commentLength;
        if (next > directory.Length)
        {
            throw new DataFormatException(path, at + 28, "malformed central directory: a member's name and extra fields run past its end.");
        }

        string name = Encoding.UTF8.GetString(directory, p + EntryLength, nameLength);
        ReadOnlySpan<byte> extra = directory.AsSpan(p + EntryLength + nameLength, extraLength);
        ApplyZip64(extra, ref size, ref compressed, ref local);
        if (local >= endOffset)
        {
            throw new DataFormatException(path, at + 42, $"member '{name}': local header offset {local} lies past the archive's data.");
        }

        p = next;
        return new ZipMember(name, method, compressed, size, local, at);
    }

    // The zip64 extra field (id 1) holds 8-byte replacements for the saturated fields, in this fixed order.
    private static void ApplyZip64(ReadOnlySpan<byte> extra, ref long size, ref long compressed, ref long local)
    {
        while (extra.Length >= 4)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            int length = Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]), extra.Length - 4);
            ReadOnlySpan<byte> body = extra.Slice(4, length);
            if (id == 1)
            {
                int q = 0;
                size = Take(body, ref q, size);
                compressed = Take(body, ref q, compressed);
                local = Take(body, ref q, local);
            }

            extra = extra[(4 + length)..];
        }
    }

    private static long Take(ReadOnlySpan<byte> body, ref int q, long value)
    {
        if (value != uint.MaxValue || q + 8 > body.Length)
        {
            return value;
        }

        long v = Clamp(body[q..]);
        q += 8;
        return v;
    }

    private static long Clamp(ReadOnlySpan<byte> bytes) => (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(bytes), long.MaxValue);
}
