using System.Buffers.Binary;

namespace FastNmf.Tests.TestSupport;

/// <summary>
/// Writes NanoMegas .blo files from the documented layout (little-endian): "IMGBLO", magic 0x0102, VBF offset 0x1000,
/// pattern offset, flags, DP_SZ, rotation, NX, NY, … (240-byte header), zero padding to 0x1000, the NX·NY virtual
/// bright-field bytes, padding, then per pattern 0x55AA, a uint32 serial and DP_SZ² bytes.
/// </summary>
internal static class BloBytes
{
    public static byte[] File(int rows, int cols, int side, IReadOnlyList<byte[]> patterns)
    {
        const int VbfOffset = 0x1000;
        int dataOffset = VbfOffset + (rows * cols);
        dataOffset += dataOffset % 16;
        int record = 6 + (side * side);
        var file = new byte[dataOffset + (rows * cols * record)];
        "IMGBLO"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(6), 0x0102);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), VbfOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), (uint)dataOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(16), 131141);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(20), (ushort)side);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(24), (ushort)cols);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(26), (ushort)rows);
        BinaryPrimitives.WriteDoubleLittleEndian(file.AsSpan(30), 1.5);
        BinaryPrimitives.WriteDoubleLittleEndian(file.AsSpan(38), 1.5);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(46), 200_000);
        for (int f = 0; f < patterns.Count; f++)
        {
            file[VbfOffset + f] = (byte)patterns[f].Average(v => v);
            int at = dataOffset + (f * record);
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at), 0x55AA);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at + 2), (uint)f);
            patterns[f].CopyTo(file, at + 6);
        }

        return file;
    }
}
