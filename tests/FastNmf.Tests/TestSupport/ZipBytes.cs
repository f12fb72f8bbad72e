using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace FastNmf.Tests.TestSupport;

/// <summary>
/// Builds zip archives byte by byte from PKWARE's APPNOTE (local header PK\3\4 + data per member, central directory
/// PK\1\2, end record PK\5\6; optionally the zip64 forms NumPy writes), independently of the reader under test.
/// Deflate itself comes from System.IO.Compression: the container is what is tested, not the compressor.
/// </summary>
internal static class ZipBytes
{
    public sealed record Member(string Name, byte[] Data, bool Deflate = false);

    /// <summary>The archive; with <paramref name="zip64"/>, sizes and offsets live in zip64 extra fields and end records.</summary>
    public static byte[] Build(IReadOnlyList<Member> members, bool zip64 = false)
    {
        using var file = new MemoryStream();
        var central = new MemoryStream();
        foreach (Member m in members)
        {
            byte[] stored = m.Deflate ? Deflated(m.Data) : m.Data;
            byte[] name = Encoding.UTF8.GetBytes(m.Name);
            long localOffset = file.Position;
            byte[] extra = zip64 ? Zip64Extra(m.Data.Length, stored.Length, localOffset) : [];
            var local = new byte[30];
            BinaryPrimitives.WriteUInt32LittleEndian(local, 0x04034b50);
            BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(4), 20);
            BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(8), (ushort)(m.Deflate ? 8 : 0));
            BinaryPrimitives.WriteUInt32LittleEndian(local.AsSpan(18), zip64 ? uint.MaxValue : (uint)stored.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(local.AsSpan(22), zip64 ? uint.MaxValue : (uint)m.Data.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(26), (ushort)name.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(local.AsSpan(28), (ushort)extra.Length);
            file.Write(local);
            file.Write(name);
            file.Write(extra);
            file.Write(stored);

            var entry = new byte[46];
            BinaryPrimitives.WriteUInt32LittleEndian(entry, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(4), 45);
            BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(6), 20);
            BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(10), (ushort)(m.Deflate ? 8 : 0));
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(20), zip64 ? uint.MaxValue : (uint)stored.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(24), zip64 ? uint.MaxValue : (uint)m.Data.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(28), (ushort)name.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(entry.AsSpan(30), (ushort)extra.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(42), zip64 ? uint.MaxValue : (uint)localOffset);
            central.Write(entry);
            central.Write(name);
            central.Write(extra);
        }

        long directoryOffset = file.Position;
        file.Write(central.ToArray());
        long directorySize = file.Position - directoryOffset;
        if (zip64)
        {
            long recordOffset = file.Position;
            var record = new byte[56];
            BinaryPrimitives.WriteUInt32LittleEndian(record, 0x06064b50);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(4), 44);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(24), (ulong)members.Count);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(32), (ulong)members.Count);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(40), (ulong)directorySize);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(48), (ulong)directoryOffset);
            file.Write(record);
            var locator = new byte[20];
            BinaryPrimitives.WriteUInt32LittleEndian(locator, 0x07064b50);
            BinaryPrimitives.WriteUInt64LittleEndian(locator.AsSpan(8), (ulong)recordOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(locator.AsSpan(16), 1);
            file.Write(locator);
        }

        var end = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), zip64 ? ushort.MaxValue : (ushort)members.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), zip64 ? ushort.MaxValue : (ushort)members.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), zip64 ? uint.MaxValue : (uint)directorySize);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), zip64 ? uint.MaxValue : (uint)directoryOffset);
        file.Write(end);
        return file.ToArray();
    }

    private static byte[] Zip64Extra(long size, long compressed, long offset)
    {
        var extra = new byte[28];
        BinaryPrimitives.WriteUInt16LittleEndian(extra, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(extra.AsSpan(2), 24);
        BinaryPrimitives.WriteUInt64LittleEndian(extra.AsSpan(4), (ulong)size);
        BinaryPrimitives.WriteUInt64LittleEndian(extra.AsSpan(12), (ulong)compressed);
        BinaryPrimitives.WriteUInt64LittleEndian(extra.AsSpan(20), (ulong)offset);
        return extra;
    }

    private static byte[] Deflated(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(data);
        }

        return output.ToArray();
    }
}
