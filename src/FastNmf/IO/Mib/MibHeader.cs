using System.Globalization;
using System.Text;

namespace FastNmf.IO.Mib;

/// <summary>
/// One frame header of a Quantum Detectors Merlin <c>.mib</c> file: ASCII, comma-separated, padded (with NULs or
/// spaces) to its own length — 384 bytes for a single chip, 768 for a quad — and followed directly by the frame's
/// pixels. The fields FastNmf reads:
/// <list type="table">
/// <item><term>0</term><description><c>MQ1</c>: the magic.</description></item>
/// <item><term>1</term><description>acquisition sequence number of the frame, from 1 (6 digits).</description></item>
/// <item><term>2</term><description>header length in bytes, <c>00384</c> or <c>00768</c>: the data offset.</description></item>
/// <item><term>3</term><description>number of chips (<c>01</c>, <c>04</c>).</description></item>
/// <item><term>4, 5</term><description>frame width and height in pixels (<c>0256</c>, <c>0512</c>).</description></item>
/// <item><term>6</term><description>pixel depth in the file: <c>U08</c>, <c>U16</c>, <c>U32</c> (big-endian unsigned) or <c>R64</c> (RAW).</description></item>
/// <item><term>7</term><description>sensor layout, right-aligned: <c>1x1</c>, <c>2x2</c>, <c>2x2G</c>, <c>Nx1</c>.</description></item>
/// <item><term>after <c>MQ1A</c></term><description>the extended header: timestamp, shutter time in ns, then the counter
/// depth in bits (1, 6, 12, 24), which says how RAW data is packed. Without <c>MQ1A</c>, the last numeric field.</description></item>
/// </list>
/// Data bytes per frame: width·height·{1, 2, 4} for U08/U16/U32; for R64 width·height/8 (1-bit), width·height (6-bit),
/// 2·width·height (12-bit).
/// </summary>
internal sealed class MibHeader
{
    /// <summary>The length of every header's fixed-position prefix that FastNmf checks frame by frame (fields 0–7 fit in it).</summary>
    public const int MinimumLength = 384;

    private MibHeader(int length, long sequence, int chips, int width, int height, MibPixelType type, string layout, int counterDepth)
    {
        Length = length;
        Sequence = sequence;
        Chips = chips;
        Width = width;
        Height = height;
        Type = type;
        Layout = layout;
        CounterDepth = counterDepth;
    }

    /// <summary>Header length in bytes (field 2).</summary>
    public int Length { get; }

    /// <summary>Sequence number of the frame (field 1).</summary>
    public long Sequence { get; }

    /// <summary>Number of chips (field 3).</summary>
    public int Chips { get; }

    /// <summary>Frame width (field 4).</summary>
    public int Width { get; }

    /// <summary>Frame height (field 5).</summary>
    public int Height { get; }

    /// <summary>Pixel depth (field 6).</summary>
    public MibPixelType Type { get; }

    /// <summary>Sensor layout (field 7), trimmed, e.g. <c>2x2</c>.</summary>
    public string Layout { get; }

    /// <summary>Counter depth in bits from the extended header, or 0 when the header has none.</summary>
    public int CounterDepth { get; }

    /// <summary>Whether RAW data needs the quad chip re-arrangement (<see cref="MibRawDecoder"/>).</summary>
    public bool IsQuadRaw => Type == MibPixelType.R64 && Layout is "2x2" or "2x2G";

    /// <summary>Columns of the decoded image: <see cref="Width"/>, except a quad RAW readout, which declares its four
    /// chips' rows side by side (1024×256) and decodes to 512×512 (a 2x2G layout's gap pixels are not in RAW data).</summary>
    public int ImageWidth => IsQuadRaw ? MibRawDecoder.QuadSide : Width;

    /// <summary>Rows of the decoded image (see <see cref="ImageWidth"/>).</summary>
    public int ImageHeight => IsQuadRaw ? MibRawDecoder.QuadSide : Height;

    /// <summary>Pixel data bytes following the header.</summary>
    public long DataBytes => Type switch
    {
        MibPixelType.U08 => (long)Width * Height,
        MibPixelType.U16 => 2L * Width * Height,
        MibPixelType.U32 => 4L * Width * Height,
        _ => (long)Width * Height * MibRawDecoder.SlotBits(CounterDepth) / 8,
    };

    /// <summary>Header plus data: the stride from one frame to the next.</summary>
    public long FrameBytes => Length + DataBytes;

    /// <summary>The element type as stored, e.g. <c>uint16 (U16)</c> or <c>12-bit RAW (R64)</c>.</summary>
    public string Describe() => Type switch
    {
        MibPixelType.U08 => "uint8 (U08)",
        MibPixelType.U16 => "uint16 big-endian (U16)",
        MibPixelType.U32 => "uint32 big-endian (U32)",
        _ => $"{CounterDepth}-bit RAW (R64)",
    };

    /// <summary>Parses the header in <paramref name="bytes"/> (its whole length, as field 2 gives it).</summary>
    /// <param name="bytes">At least <see cref="MinimumLength"/> bytes starting at the header.</param>
    /// <param name="path">The file, for messages.</param>
    /// <param name="offset">Where the header starts in the file, for messages.</param>
    /// <exception cref="DataFormatException">a missing magic, a malformed or out-of-range field (named with its offset), an
    /// unknown pixel type, or a RAW counter depth other than 1, 6 or 12.</exception>
    public static MibHeader Parse(ReadOnlySpan<byte> bytes, string path, long offset)
    {
        var fields = new MibFields(bytes, path, offset);
        if (fields.Count < 8 || fields.Text(0) != "MQ1")
        {
            throw new DataFormatException(path, offset, "not a Merlin frame header: it does not start with 'MQ1,'.");
        }

        long sequence = fields.Integer(1, "sequence number", 0, long.MaxValue);
        int length = (int)fields.Integer(2, "header length", 1, 99999);
        if (length is not (384 or 768))
        {
            throw new DataFormatException(path, offset + fields.Start(2), $"header length {length}: Merlin headers are 384 (single chip) or 768 (quad) bytes.");
        }

        if (bytes.Length < length)
        {
            throw new DataFormatException(path, offset + bytes.Length, $"truncated: the {length}-byte frame header ends at byte {offset + bytes.Length}.");
        }

        fields = new MibFields(bytes[..length], path, offset);
        int chips = (int)fields.Integer(3, "number of chips", 1, 64);
        int width = (int)fields.Integer(4, "frame width", 1, 9999);
        int height = (int)fields.Integer(5, "frame height", 1, 9999);
        MibPixelType type = fields.Text(6) switch
        {
            "U08" => MibPixelType.U08,
            "U16" => MibPixelType.U16,
            "U32" => MibPixelType.U32,
            "R64" => MibPixelType.R64,
            string other => throw new DataFormatException(path, offset + fields.Start(6), $"unknown pixel type '{Printable(other)}' (readable: U08, U16, U32, R64)."),
        };
        string layout = fields.Text(7);
        int depth = fields.CounterDepth();
        var header = new MibHeader(length, sequence, chips, width, height, type, layout, depth);
        if (type == MibPixelType.R64)
        {
            header.CheckRaw(fields, path, offset);
        }

        return header;
    }

    /// <summary>Checks that a later frame's header describes the same frames as this one (magic, fields 2–7) and returns its sequence number.</summary>
    /// <exception cref="DataFormatException">the frame header differs or is malformed; the message names its offset and the field.</exception>
    public long CheckSameLayout(ReadOnlySpan<byte> bytes, string path, long offset)
    {
        var fields = new MibFields(bytes[..Math.Min(bytes.Length, Length)], path, offset);
        if (fields.Count < 8 || fields.Text(0) != "MQ1")
        {
            throw new DataFormatException(path, offset, "frame header does not start with 'MQ1,': the file is corrupt or a frame has a different size.");
        }

        Same(fields, 2, Length.ToString("D5", CultureInfo.InvariantCulture), "header length", path, offset);
        Same(fields, 3, Chips.ToString("D2", CultureInfo.InvariantCulture), "number of chips", path, offset);
        Same(fields, 4, Width.ToString("D4", CultureInfo.InvariantCulture), "frame width", path, offset);
        Same(fields, 5, Height.ToString("D4", CultureInfo.InvariantCulture), "frame height", path, offset);
        Same(fields, 6, Type.ToString(), "pixel type", path, offset);
        Same(fields, 7, Layout, "sensor layout", path, offset);
        return fields.Integer(1, "sequence number", 0, long.MaxValue);
    }

    private static void Same(MibFields fields, int index, string expected, string what, string path, long offset)
    {
        string text = fields.Text(index);
        bool same = text == expected
            || (index is >= 2 and <= 5 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v)
                && long.TryParse(expected, NumberStyles.None, CultureInfo.InvariantCulture, out long e) && v == e);
        if (!same)
        {
            throw new DataFormatException(path, offset + fields.Start(index),
                $"frame header field {index} ({what}) is '{Printable(text)}' but the first frame's is '{expected}': frames of one acquisition must not change layout.");
        }
    }

    private void CheckRaw(MibFields fields, string path, long offset)
    {
        if (CounterDepth is not (1 or 6 or 12))
        {
            throw new DataFormatException(path, offset + fields.DepthStart,
                CounterDepth == 0
                    ? "RAW (R64) frame without a counter depth in its header; cannot tell how pixels are packed."
                    : $"RAW (R64) counter depth {CounterDepth}: readable RAW depths are 1, 6 and 12 bits (record 24-bit data as U32).");
        }

        // A real quad readout declares 1024×256 (LiberTEM's readers take any shape of 512·512 pixels; so does this one).
        if (Layout is "2x2" or "2x2G" ? Chips != 4 || (long)Width * Height != 512L * 512 : Layout != "1x1")
        {
            throw new DataFormatException(path, offset + fields.Start(7),
                $"RAW (R64) data with sensor layout '{Printable(Layout)}', {Chips} chip(s) and {Width}×{Height} pixels: readable RAW layouts are 1x1 and a four-chip 2x2 quad of 512·512 pixels (declared 1024×256 by Merlin).");
        }

        if ((long)Width * Height * MibRawDecoder.SlotBits(CounterDepth) % 64 != 0)
        {
            throw new DataFormatException(path, offset + fields.Start(4), $"RAW (R64) frame of {Width}×{Height} pixels does not fill whole 64-bit words.");
        }
    }

    internal static string Printable(string text)
    {
        var b = new StringBuilder(Math.Min(text.Length, 24));
        foreach (char c in text.AsSpan(0, Math.Min(text.Length, 24)))
        {
            b.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return b.ToString();
    }
}
