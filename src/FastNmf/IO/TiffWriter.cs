using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace FastNmf.IO;

/// <summary>
/// Writes 32-bit float images as baseline TIFF (little-endian, uncompressed, one strip per page), one page per image,
/// so a stack of k images is one multi-page file that DigitalMicrograph, Fiji/ImageJ, tifffile and Pillow open.
/// </summary>
/// <remarks>
/// Each page's IFD carries, in ascending tag order: ImageWidth (256) and ImageLength (257) as LONG, BitsPerSample (258)
/// = 32, Compression (259) = 1 (none), PhotometricInterpretation (262) = 1 (black is zero), ImageDescription (270, first
/// page only, when given), StripOffsets (273), SamplesPerPixel (277) = 1, RowsPerStrip (278) = the image height,
/// StripByteCounts (279) = width·height·4, PlanarConfiguration (284) = 1, SampleFormat (339) = 3 (IEEE float). Each IFD is
/// followed by its description and its pixels; offsets are even, as TIFF 6.0 asks.
/// </remarks>
public static class TiffWriter
{
    private const ushort Short = 3, Long = 4, Ascii = 2;

    /// <summary>Writes <paramref name="pages"/> images of <paramref name="rows"/> × <paramref name="cols"/> values, page after page, row-major.</summary>
    /// <exception cref="ArgumentException">the data do not hold <c>pages × rows × cols</c> values, or the file would exceed 4 GiB.</exception>
    public static void Write(string path, ReadOnlySpan<float> data, int pages, int rows, int cols, string? description = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(pages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, 1);
        long pixels = (long)rows * cols;
        if (data.Length != pages * pixels)
        {
            throw new ArgumentException($"{pages} pages of {rows}×{cols} need {pages * pixels} values, got {data.Length}.", nameof(data));
        }

        byte[] text = description is null ? [] : Encoding.ASCII.GetBytes(description.Replace('\0', ' ') + "\0");
        if (8 + (pages * (200 + (pixels * 4))) + text.Length > uint.MaxValue)
        {
            throw new ArgumentException("the stack does not fit a classic TIFF (4 GiB).", nameof(data));
        }

        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        using var output = new BinaryWriter(file);
        output.Write("II"u8);
        output.Write((ushort)42);
        output.Write(8u);
        for (int page = 0; page < pages; page++)
        {
            byte[] pageText = page == 0 ? text : [];
            int entries = pageText.Length > 0 ? 12 : 11;
            long ifd = file.Position;
            long textAt = ifd + 2 + (12 * entries) + 4;
            long pixelsAt = Even(textAt + (pageText.Length > 4 ? pageText.Length : 0));
            long next = page + 1 < pages ? Even(pixelsAt + (pixels * 4)) : 0;
            output.Write((ushort)entries);
            Entry(output, 256, Long, 1, (uint)cols);
            Entry(output, 257, Long, 1, (uint)rows);
            Entry(output, 258, Short, 1, 32);
            Entry(output, 259, Short, 1, 1);
            Entry(output, 262, Short, 1, 1);
            if (pageText.Length > 0)
            {
                // Four bytes or fewer would sit in the entry itself; a description is longer in practice, but keep TIFF's rule.
                Entry(output, 270, Ascii, (uint)pageText.Length, pageText.Length > 4 ? (uint)textAt : Packed(pageText));
            }

            Entry(output, 273, Long, 1, (uint)pixelsAt);
            Entry(output, 277, Short, 1, 1);
            Entry(output, 278, Long, 1, (uint)rows);
            Entry(output, 279, Long, 1, (uint)(pixels * 4));
            Entry(output, 284, Short, 1, 1);
            Entry(output, 339, Short, 1, 3);
            output.Write((uint)next);
            if (pageText.Length > 4)
            {
                output.Write(pageText);
            }

            Pad(output, pixelsAt);
            ReadOnlySpan<float> image = data.Slice((int)(page * pixels), (int)pixels);
            if (BitConverter.IsLittleEndian)
            {
                output.Write(MemoryMarshal.AsBytes(image));
            }
            else
            {
                foreach (float v in image)
                {
                    output.Write(BinaryPrimitives.ReverseEndianness(BitConverter.SingleToUInt32Bits(v)));
                }
            }

            Pad(output, next == 0 ? file.Position : next);
        }
    }

    // A SHORT value sits in the low two bytes of the four-byte value field (little-endian), so writing it as a uint works.
    private static void Entry(BinaryWriter output, ushort tag, ushort type, uint count, uint value)
    {
        output.Write(tag);
        output.Write(type);
        output.Write(count);
        output.Write(value);
    }

    private static uint Packed(byte[] text)
    {
        Span<byte> four = stackalloc byte[4];
        text.CopyTo(four);
        return BinaryPrimitives.ReadUInt32LittleEndian(four);
    }

    private static long Even(long offset) => (offset + 1) & ~1L;

    private static void Pad(BinaryWriter output, long to)
    {
        while (output.BaseStream.Position < to)
        {
            output.Write((byte)0);
        }
    }
}
