using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FastNmf.Tests.TestSupport;

/// <summary>
/// Writes Merlin .mib files from the documented layout (Quantum Detectors' header fields; LiberTEM's description of
/// RAW packing): per frame an ASCII header "MQ1,seq,hdrlen,chips,width,height,type,layout,…,MQ1A,timestamp,shutter,
/// depth," padded with NULs to 384 (single) or 768 (quad) bytes, then the pixels. Independent of the reader.
/// </summary>
public static class MibBytes
{
    /// <summary>How a test frame is stored.</summary>
    /// <remarks>Width and Height are the image's; a quad RAW header declares the readout's 1024×256 (as real Merlin
    /// quads do) unless DeclaredWidth/DeclaredHeight say otherwise.</remarks>
    public sealed record Layout(string Type, int Depth, int Width, int Height, bool Quad = false, int HeaderBytes = 0, bool ExtendedHeader = true, int DeclaredWidth = 0, int DeclaredHeight = 0)
    {
        public int HeaderLength => HeaderBytes > 0 ? HeaderBytes : Quad ? 768 : 384;

        public int HeaderWidth => DeclaredWidth > 0 ? DeclaredWidth : Quad && Type == "R64" ? 1024 : Width;

        public int HeaderHeight => DeclaredHeight > 0 ? DeclaredHeight : Quad && Type == "R64" ? 256 : Height;
    }

    /// <summary>One frame header.</summary>
    public static byte[] Header(Layout l, long sequence)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"MQ1,{sequence:D6},{l.HeaderLength:D5},{(l.Quad ? 4 : 1):D2},{l.HeaderWidth:D4},{l.HeaderHeight:D4},{l.Type},{(l.Quad ? "2x2" : "1x1"),6},");
        text.Append(l.Quad ? "0F," : "01,");
        text.Append("2019-06-14 11:47:14.123456,0.001000,0,0,0,");
        text.Append(string.Join(",", Enumerable.Repeat("1.200000E+1", 8))).Append(",3RX,");
        text.Append(string.Join(",", Enumerable.Repeat("175", l.Quad ? 4 * 9 : 9))).Append(',');
        if (l.ExtendedHeader)
        {
            text.Append(CultureInfo.InvariantCulture, $"MQ1A,2019-06-14T11:47:14.123456789Z,1000000ns,{l.Depth},");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"{l.Depth},");
        }

        byte[] ascii = Encoding.ASCII.GetBytes(text.ToString());
        if (ascii.Length > l.HeaderLength)
        {
            throw new ArgumentException($"header text of {ascii.Length} bytes does not fit in {l.HeaderLength}.");
        }

        var header = new byte[l.HeaderLength];
        ascii.CopyTo(header, 0);
        return header;
    }

    /// <summary>One frame's pixel bytes from a row-major image of counts.</summary>
    public static byte[] Pixels(Layout l, ReadOnlySpan<int> image)
    {
        switch (l.Type)
        {
            case "U08":
                return image.ToArray().Select(v => (byte)v).ToArray();
            case "U16":
                var u16 = new byte[2 * image.Length];
                for (int i = 0; i < image.Length; i++)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(u16.AsSpan(2 * i), (ushort)image[i]);
                }

                return u16;
            case "U32":
                var u32 = new byte[4 * image.Length];
                for (int i = 0; i < image.Length; i++)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(u32.AsSpan(4 * i), (uint)image[i]);
                }

                return u32;
            default:
                return Words(l.Quad ? QuadReadout(image) : image.ToArray(), l.Depth switch { 1 => 1, 6 => 8, _ => 16 });
        }
    }

    /// <summary>A whole file: frames with consecutive sequence numbers from <paramref name="firstSequence"/>.</summary>
    public static byte[] File(Layout l, IReadOnlyList<int[]> frames, long firstSequence = 1)
    {
        using var file = new MemoryStream();
        for (int f = 0; f < frames.Count; f++)
        {
            file.Write(Header(l, firstSequence + f));
            file.Write(Pixels(l, frames[f]));
        }

        return file.ToArray();
    }

    /// <summary>A Merlin .hdr with the frame counts that give the scan grid (one trigger per scan row).</summary>
    public static byte[] Hdr(int frames, int perTrigger) => Encoding.ASCII.GetBytes(
        "HDR,\t\nTime and Date Stamp (day, mnth, yr, hr, min, s):\t14/06/2019 11:47:14\nChip Type (Medipix 3.0, Medipix 3.1, Medipix 3RX):\tMedipix 3RX\n"
        + $"Assembly Size (NX1, 2X2):\t   1x1\nCounter Depth (number):\t12\nFrames in Acquisition (Number):\t{frames}\nFrames per Trigger (Number):\t{perTrigger}\n"
        + "Readout System:\tMerlin Quad\nEnd\t\n");

    /// <summary>Random counts below 2^depth, row-major frames of <paramref name="pixels"/> values.</summary>
    public static List<int[]> RandomFrames(int count, int pixels, int depth, int seed)
    {
        var random = new Random(seed);
        int limit = depth >= 24 ? 1 << 20 : 1 << depth;
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, pixels).Select(_ => random.Next(limit)).ToArray()).ToList();
    }

    // The quad readout: 256 rows of the four chips side by side, [4 | 3 | 2 | 1]; chips 1 and 2 are the top quadrants
    // as they are, chips 3 and 4 the bottom-left and bottom-right turned by 180°.
    private static int[] QuadReadout(ReadOnlySpan<int> image)
    {
        var raw = new int[256 * 1024];
        for (int r = 0; r < 256; r++)
        {
            for (int c = 0; c < 256; c++)
            {
                raw[(r * 1024) + 768 + c] = image[(r * 512) + c];                        // chip 1: top-left
                raw[(r * 1024) + 512 + c] = image[(r * 512) + 256 + c];                  // chip 2: top-right
                raw[(r * 1024) + 256 + c] = image[((511 - r) * 512) + (255 - c)];        // chip 3: bottom-left, turned
                raw[(r * 1024) + c] = image[((511 - r) * 512) + 256 + (255 - c)];        // chip 4: bottom-right, turned
            }
        }

        return raw;
    }

    // 64-bit big-endian words; pixel k of a word in bits [k·slot, (k+1)·slot) from the least significant end.
    private static byte[] Words(int[] pixels, int slot)
    {
        int perWord = 64 / slot;
        var bytes = new byte[pixels.Length / perWord * 8];
        for (int w = 0; w < pixels.Length / perWord; w++)
        {
            ulong word = 0;
            for (int k = 0; k < perWord; k++)
            {
                word |= (ulong)pixels[(w * perWord) + k] << (k * slot);
            }

            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(w * 8), word);
        }

        return bytes;
    }
}
