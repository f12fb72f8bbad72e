namespace FastNmf.Hdf5.Filters;

/// <summary>
/// The bitshuffle transform (K. Masui et al., Astronomy and Computing 12, 2015), as the HDF5 filter 32008 stores it.
/// A block of <c>n</c> elements (<c>n</c> a multiple of 8) of <c>s</c> bytes is stored as <c>8·s</c> bit planes of
/// <c>n/8</c> bytes each: plane <c>8·j + b</c> holds bit <c>b</c> of byte <c>j</c> of every element, element <c>i</c>
/// at bit <c>i mod 8</c> of byte <c>i / 8</c> of the plane. Counted electrons use few of their bits, so most planes are
/// runs of zeros that LZ4 then squeezes out.
/// </summary>
/// <remarks>
/// <see cref="UnshuffleBlock"/> and <see cref="ShuffleBlock"/> work on eight elements at a time: the eight plane bytes
/// of byte <c>j</c> of a group of eight elements form an 8×8 bit matrix (row = plane, column = element) held in one
/// <see cref="ulong"/>; its transpose has row = element, column = bit, i.e. byte <c>j</c> of each element. The
/// bit-by-bit <see cref="UnshuffleBlockReference"/> states the layout directly and is what the tests hold them to.
/// </remarks>
internal static class Bitshuffle
{
    /// <summary>Blocks hold a multiple of this many elements; a chunk's last <c>n mod 8</c> elements are stored as is.</summary>
    public const int BlockMultiple = 8;

    /// <summary>The block size (elements) the filter uses when its parameters give 0: about 8 KiB per block, at least 128
    /// elements, a multiple of 8. It must never change: it is part of the stored format.</summary>
    public static int DefaultBlockSize(int elementSize) => Math.Max(8192 / elementSize / BlockMultiple * BlockMultiple, 128);

    /// <summary>Restores <paramref name="count"/> elements of <paramref name="elementSize"/> bytes from their bit planes:
    /// <see cref="BitshuffleSse2"/> for the whole tiles of 1-, 2- and 4-byte elements where the machine has SSE2, the
    /// scalar twin for the rest.</summary>
    public static unsafe void UnshuffleBlock(ReadOnlySpan<byte> planes, Span<byte> elements, int count, int elementSize)
    {
        CheckBlock(planes, elements, count, elementSize);
        int planeBytes = count / 8, vectorGroups = 0;
        if (BitshuffleSse2.IsSupported && elementSize is 1 or 2 or 4)
        {
            int tile = BitshuffleSse2.TileGroups(elementSize);
            vectorGroups = planeBytes / tile * tile;
            fixed (byte* p = planes, e = elements)
            {
                BitshuffleSse2.Unshuffle(p, e, planeBytes, elementSize, vectorGroups);
            }
        }

        UnshuffleGroups(planes, elements, planeBytes, elementSize, vectorGroups);
    }

    /// <summary>The scalar twin of <see cref="UnshuffleBlock"/> (eight bytes gathered and transposed at a time).</summary>
    public static void UnshuffleBlockScalar(ReadOnlySpan<byte> planes, Span<byte> elements, int count, int elementSize)
    {
        CheckBlock(planes, elements, count, elementSize);
        UnshuffleGroups(planes, elements, count / 8, elementSize, 0);
    }

    // Groups [first, planeBytes) of a block (group g = elements 8g … 8g + 7), one 8×8 bit transpose per group and byte.
    private static void UnshuffleGroups(ReadOnlySpan<byte> planes, Span<byte> elements, int planeBytes, int elementSize, int first)
    {
        for (int j = 0; j < elementSize; j++)
        {
            ReadOnlySpan<byte> byteJ = planes.Slice(8 * j * planeBytes, 8 * planeBytes);
            for (int g = first; g < planeBytes; g++)
            {
                // Row b of the matrix = byte g of plane 8j + b (bit k = element 8g + k).
                ulong matrix = 0;
                for (int b = 0; b < 8; b++)
                {
                    matrix |= (ulong)byteJ[(b * planeBytes) + g] << (8 * b);
                }

                // Now row k = byte j of element 8g + k.
                matrix = Transpose8x8(matrix);
                int at = (8 * g * elementSize) + j;
                for (int k = 0; k < 8; k++)
                {
                    elements[at + (k * elementSize)] = (byte)(matrix >> (8 * k));
                }
            }
        }
    }

    /// <summary>Stores <paramref name="count"/> elements of <paramref name="elementSize"/> bytes as bit planes.</summary>
    public static void ShuffleBlock(ReadOnlySpan<byte> elements, Span<byte> planes, int count, int elementSize)
    {
        CheckBlock(planes, elements, count, elementSize);
        int planeBytes = count / 8;
        for (int j = 0; j < elementSize; j++)
        {
            Span<byte> byteJ = planes.Slice(8 * j * planeBytes, 8 * planeBytes);
            for (int g = 0; g < planeBytes; g++)
            {
                ulong matrix = 0;
                int at = (8 * g * elementSize) + j;
                for (int k = 0; k < 8; k++)
                {
                    matrix |= (ulong)elements[at + (k * elementSize)] << (8 * k);
                }

                matrix = Transpose8x8(matrix);
                for (int b = 0; b < 8; b++)
                {
                    byteJ[(b * planeBytes) + g] = (byte)(matrix >> (8 * b));
                }
            }
        }
    }

    /// <summary>The layout spelt out bit by bit: the reference <see cref="UnshuffleBlock"/> is tested against.</summary>
    public static void UnshuffleBlockReference(ReadOnlySpan<byte> planes, Span<byte> elements, int count, int elementSize)
    {
        CheckBlock(planes, elements, count, elementSize);
        int planeBytes = count / 8;
        elements[..(count * elementSize)].Clear();
        for (int j = 0; j < elementSize; j++)
        {
            for (int b = 0; b < 8; b++)
            {
                ReadOnlySpan<byte> plane = planes.Slice(((8 * j) + b) * planeBytes, planeBytes);
                for (int i = 0; i < count; i++)
                {
                    int bit = (plane[i / 8] >> (i % 8)) & 1;
                    elements[(i * elementSize) + j] |= (byte)(bit << b);
                }
            }
        }
    }

    /// <summary>
    /// Transposes the 8×8 bit matrix whose row <c>r</c> is byte <c>r</c> of <paramref name="x"/> and column <c>c</c> bit
    /// <c>c</c>: three rounds of swapping off-diagonal 1×1, 2×2 and 4×4 sub-blocks (Hacker's Delight, §7-3).
    /// </summary>
    internal static ulong Transpose8x8(ulong x)
    {
        ulong t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAUL;
        x ^= t ^ (t << 7);
        t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCUL;
        x ^= t ^ (t << 14);
        t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0UL;
        x ^= t ^ (t << 28);
        return x;
    }

    private static void CheckBlock(ReadOnlySpan<byte> planes, ReadOnlySpan<byte> elements, int count, int elementSize)
    {
        if (count % BlockMultiple != 0 || elementSize < 1 || planes.Length < count * elementSize || elements.Length < count * elementSize)
        {
            throw new ArgumentException($"a bitshuffle block holds a multiple of 8 elements and both buffers {count}×{elementSize} bytes.");
        }
    }
}
