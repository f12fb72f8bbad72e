using System.Buffers.Binary;

namespace FastNmf.IO.Blo;

/// <summary>
/// The header of a NanoMegas ASTAR block file (<c>.blo</c>), little-endian: <c>IMGBLO</c> (6 bytes), a format magic
/// (uint16, 0x0102), the offset of the virtual bright-field image (uint32 at 8, usually 0x1000) and of the diffraction
/// patterns (uint32 at 12), a flags word (uint32 at 16), the pattern side DP_SZ (uint16 at 20; patterns are square),
/// pattern rotation (uint16 at 22), scan columns NX (uint16 at 24) and rows NY (uint16 at 26), then scan rotation,
/// pixel sizes, beam energy, camera length, acquisition time and calibration doubles that FastNmf does not need. At the
/// pattern offset, NY × NX records follow in row-major scan order, each 6 bytes (uint16 0x55AA, uint32 frame number)
/// then DP_SZ² uint8 pixels.
/// </summary>
internal sealed record BloHeader(int Magic, long VbfOffset, long DataOffset, int PatternSide, int ScanCols, int ScanRows)
{
    /// <summary>Bytes read to parse the header.</summary>
    public const int Length = 28;

    /// <summary>Bytes before each pattern's pixels.</summary>
    public const int RecordHeader = 6;

    /// <summary>The per-pattern marker, read as a little-endian uint16.</summary>
    public const int RecordMagic = 0x55AA;

    /// <summary>Bytes per pattern record.</summary>
    public long RecordBytes => RecordHeader + ((long)PatternSide * PatternSide);

    /// <summary>Whether <paramref name="head"/> starts with <c>IMGBLO</c>.</summary>
    public static bool Looks(ReadOnlySpan<byte> head) => head.StartsWith("IMGBLO"u8);

    /// <summary>Parses and checks the header against the file length.</summary>
    /// <exception cref="DataFormatException">no <c>IMGBLO</c>, an empty dimension, offsets outside the file, or fewer
    /// pattern bytes than NX·NY records need.</exception>
    public static BloHeader Read(ByteSource file)
    {
        Span<byte> h = stackalloc byte[Length];
        file.ReadExactly(0, h, "the block file header");
        if (!Looks(h))
        {
            throw new DataFormatException(file.Path, 0, "not a NanoMegas block file: it does not start with 'IMGBLO'.");
        }

        var header = new BloHeader(
            BinaryPrimitives.ReadUInt16LittleEndian(h[6..]),
            BinaryPrimitives.ReadUInt32LittleEndian(h[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(h[12..]),
            BinaryPrimitives.ReadUInt16LittleEndian(h[20..]),
            BinaryPrimitives.ReadUInt16LittleEndian(h[24..]),
            BinaryPrimitives.ReadUInt16LittleEndian(h[26..]));
        header.Check(file);
        return header;
    }

    private void Check(ByteSource file)
    {
        if (PatternSide == 0 || ScanCols == 0 || ScanRows == 0)
        {
            (int at, string what) = PatternSide == 0 ? (20, "pattern size DP_SZ") : ScanCols == 0 ? (24, "scan columns NX") : (26, "scan rows NY");
            throw new DataFormatException(file.Path, at, $"{what} is 0.");
        }

        if (DataOffset < Length || DataOffset > file.Length)
        {
            throw new DataFormatException(file.Path, 12, $"pattern data offset {DataOffset} lies outside the file ({file.Length} bytes).");
        }

        long needed = (long)ScanRows * ScanCols * RecordBytes;
        if (file.Length - DataOffset < needed)
        {
            long whole = (file.Length - DataOffset) / RecordBytes;
            throw new DataFormatException(file.Path, DataOffset + (whole * RecordBytes),
                $"truncated: {ScanRows}×{ScanCols} patterns of {PatternSide}×{PatternSide} need {needed} bytes from byte {DataOffset}, the file has {file.Length - DataOffset} ({whole} whole pattern(s)).");
        }
    }
}
