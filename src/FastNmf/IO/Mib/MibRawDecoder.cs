using System.Buffers.Binary;
using System.Numerics;

namespace FastNmf.IO.Mib;

/// <summary>
/// Unpacks RAW (<c>R64</c>) Merlin frames. The counters are read out in 64-bit words, stored big-endian: pixel k of a
/// word (k = 0 first) occupies bits [k·s, (k+1)·s) counted from the least significant bit, with slot width s = 1 bit
/// for 1-bit counters, 8 bits for 6-bit counters (the top two bits zero) and 16 bits for 12-bit counters. A single chip
/// (<c>1x1</c>) is then the image in row-major order.
/// <para>
/// A quad (<c>2x2</c>, 512×512) is read out as 256 rows of the four chips side by side, 1024 pixels per row, in the
/// order [4 | 3 | 2 | 1]: chip 1 (pixels 768–1023 of raw row r) is the top-left quadrant at row r, chip 2 (512–767) the
/// top-right at row r, and chips 3 (256–511) and 4 (0–255) the bottom-left and bottom-right, turned by 180°: raw row r
/// and column c land at row 511 − r and column 255 − c of their quadrant.
/// </para>
/// </summary>
internal static class MibRawDecoder
{
    /// <summary>Rows and columns of a decoded quad.</summary>
    public const int QuadSide = 512;
    private const int ChipSide = 256;

    /// <summary>Bits per pixel slot in the 64-bit words for a counter depth of 1, 6 or 12 bits.</summary>
    public static int SlotBits(int counterDepth) => counterDepth switch
    {
        1 => 1,
        6 => 8,
        _ => 16,
    };

    /// <summary>Decodes one frame's data into <paramref name="frame"/> (row-major, width × height): float32 for files,
    /// uint16 for streams (every RAW depth fits).</summary>
    public static void Decode<T>(ReadOnlySpan<byte> data, MibHeader header, Span<T> frame)
        where T : unmanaged, INumberBase<T>
    {
        int slot = SlotBits(header.CounterDepth);
        if (!header.IsQuadRaw)
        {
            Unpack(data, slot, frame);
            return;
        }

        int rowBytes = 4 * ChipSide * slot / 8;
        int chipBytes = rowBytes / 4;
        Span<T> chipRow = stackalloc T[ChipSide];
        for (int r = 0; r < ChipSide; r++)
        {
            ReadOnlySpan<byte> raw = data.Slice(r * rowBytes, rowBytes);
            for (int block = 0; block < 4; block++)
            {
                Unpack(raw.Slice(block * chipBytes, chipBytes), slot, chipRow);
                bool top = block >= 2;
                int row = top ? r : QuadSide - 1 - r;
                int col = block is 3 or 1 ? 0 : ChipSide;
                Span<T> target = frame.Slice((row * QuadSide) + col, ChipSide);
                chipRow.CopyTo(target);
                if (!top)
                {
                    target.Reverse();
                }
            }
        }
    }

    // One 64-bit big-endian word at a time: pixel k of the word is the k-th slot from the least significant end.
    private static void Unpack<T>(ReadOnlySpan<byte> data, int slot, Span<T> pixels)
        where T : unmanaged, INumberBase<T>
    {
        int perWord = 64 / slot;
        ulong mask = slot == 64 ? ulong.MaxValue : (1UL << slot) - 1;
        for (int w = 0, p = 0; p < pixels.Length; w++)
        {
            ulong word = BinaryPrimitives.ReadUInt64BigEndian(data.Slice(w * 8, 8));
            for (int k = 0; k < perWord; k++, p++)
            {
                pixels[p] = T.CreateTruncating(word >> (k * slot) & mask);
            }
        }
    }
}
