using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using FastNmf.IO;

namespace FastNmf.Streams;

/// <summary>
/// Writes what a Merlin sends on its data port: the acquisition header and frames as MPX messages, each frame its
/// .mib header then its pixels (U08, big-endian U16/U32, or RAW packed in big-endian 64-bit words; RAW of a 512×512
/// detector is a quad's readout: 256 rows of the four chips side by side, declared 1024×256, the bottom chips turned
/// by 180°). Counts must be whole numbers the format holds; anything else is an error naming the frame and pixel.
/// </summary>
public sealed class MerlinFrameWriter
{
    private const int QuadSide = 512;
    private const int ChipSide = 256;

    private readonly int _detRows;
    private readonly int _detCols;
    private readonly bool _quad;
    private readonly int _headerLength;
    private readonly int _dataLength;
    private readonly int _depth;
    private readonly uint _max;
    private byte[] _header = [];
    private long _headerSequenceLimit;

    /// <summary>A writer of <paramref name="detRows"/> × <paramref name="detCols"/> frames in <paramref name="format"/>.</summary>
    /// <exception cref="ArgumentException">a RAW format for a detector that is neither a single chip whose pixels fill
    /// whole 64-bit words nor a 512×512 quad.</exception>
    public MerlinFrameWriter(int detRows, int detCols, MerlinPixelFormat format)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(detRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(detCols, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(detRows, 9999);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(detCols, 9999);
        _detRows = detRows;
        _detCols = detCols;
        Format = format;
        bool raw = format is MerlinPixelFormat.Raw1 or MerlinPixelFormat.Raw6 or MerlinPixelFormat.Raw12;
        _quad = raw ? detRows == QuadSide && detCols == QuadSide : detRows * detCols >= 4 * ChipSide * ChipSide;
        (_depth, _max, int bits) = format switch
        {
            MerlinPixelFormat.U08 => (6, 255u, 8),
            MerlinPixelFormat.U16 => (12, 65535u, 16),
            MerlinPixelFormat.U32 => (24, uint.MaxValue, 32),
            MerlinPixelFormat.Raw1 => (1, 1u, 1),
            MerlinPixelFormat.Raw6 => (6, 63u, 8),
            _ => (12, 4095u, 16),
        };
        long pixels = (long)detRows * detCols;
        if (raw && !_quad && pixels * bits % 64 != 0)
        {
            throw new ArgumentException($"RAW {format} frames of {detRows}×{detCols} pixels do not fill whole 64-bit words (a quad RAW detector is 512×512).", nameof(format));
        }

        _headerLength = _quad ? 768 : 384;
        _dataLength = checked((int)(pixels * bits / 8));
        BuildHeader(1);
    }

    /// <summary>The pixel format written.</summary>
    public MerlinPixelFormat Format { get; }

    /// <summary>Bytes of one frame's message: the MPX prefix, the frame header and the pixels.</summary>
    public int FrameMessageLength => MerlinFraming.PrefixLength + _headerLength + _dataLength;

    /// <summary>The acquisition header message: frame count and scan grid (<c>ScanX</c>/<c>ScanY</c>, and one trigger per scan row).</summary>
    public byte[] AcquisitionHeader(long frames, int scanRows, int scanCols)
    {
        string assembly = _quad ? "2x2" : "1x1";
        string text = string.Create(CultureInfo.InvariantCulture,
            $"HDR,\t\nTime and Date Stamp (day, mnth, yr, hr, min, s):\t01/12/2026 00:00:00\nChip ID:\tW530_F5,-,-,-\nChip Type (Medipix 3.0, Medipix 3.1, Medipix 3RX):\tMedipix 3RX\n" +
            $"Assembly Size (NX1, 2X2):\t   {assembly}\nChip Mode  (SPM, CSM, CM, CSCM):\tSPM\nCounter Depth (number):\t{_depth}\nGain:\tSLGM\n" +
            $"Frames in Acquisition (Number):\t{frames}\nFrames per Trigger (Number):\t{scanCols}\nTrigger Start (Positive, Negative, Internal):\tRising Edge\n" +
            $"ScanX:\t{scanCols}\nScanY:\t{scanRows}\nSoftware Version:\tfastnmf replay\nEnd\t");
        byte[] payload = Encoding.ASCII.GetBytes(text);
        var message = new byte[MerlinFraming.PrefixLength + payload.Length];
        MerlinFraming.WritePrefix(message, payload.Length);
        payload.CopyTo(message.AsSpan(MerlinFraming.PrefixLength));
        return message;
    }

    /// <summary>Writes frame <paramref name="sequence"/> (from 1) into <paramref name="message"/> (<see cref="FrameMessageLength"/> bytes).</summary>
    /// <param name="frame">DetRows × DetCols counts, row-major.</param>
    /// <param name="sequence">The frame's sequence number.</param>
    /// <param name="message">Where the message goes.</param>
    /// <param name="origin">The file the counts came from, for messages.</param>
    /// <exception cref="DataFormatException">a value that is not a whole count the format holds.</exception>
    public void WriteFrame(ReadOnlySpan<float> frame, long sequence, Span<byte> message, string origin)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        if (frame.Length != _detRows * _detCols || message.Length < FrameMessageLength)
        {
            throw new ArgumentException($"a {_detRows}×{_detCols} frame into {FrameMessageLength} bytes; got {frame.Length} values and {message.Length} bytes.");
        }

        if (sequence >= _headerSequenceLimit)
        {
            BuildHeader(sequence);
        }

        MerlinFraming.WritePrefix(message, _headerLength + _dataLength);
        Span<byte> header = message.Slice(MerlinFraming.PrefixLength, _headerLength);
        _header.CopyTo(header);
        Encoding.ASCII.GetBytes(sequence.ToString(SequenceFormat(sequence), CultureInfo.InvariantCulture), header[4..]);
        Span<byte> data = message.Slice(MerlinFraming.PrefixLength + _headerLength, _dataLength);
        CheckCounts(frame, sequence, origin);
        switch (Format)
        {
            case MerlinPixelFormat.U08:
                for (int i = 0; i < frame.Length; i++)
                {
                    data[i] = (byte)frame[i];
                }

                break;
            case MerlinPixelFormat.U16:
                for (int i = 0; i < frame.Length; i++)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(data[(2 * i)..], (ushort)frame[i]);
                }

                break;
            case MerlinPixelFormat.U32:
                for (int i = 0; i < frame.Length; i++)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(data[(4 * i)..], (uint)frame[i]);
                }

                break;
            default:
                PackRaw(frame, data);
                break;
        }
    }

    private void CheckCounts(ReadOnlySpan<float> frame, long sequence, string origin)
    {
        for (int i = 0; i < frame.Length; i++)
        {
            float v = frame[i];
            if (!(v >= 0 && v <= _max && v == MathF.Floor(v)))
            {
                throw new DataFormatException(origin, null,
                    $"frame {sequence - 1}, pixel ({i / _detCols}, {i % _detCols}) is {v}: {Format} sends whole counts from 0 to {_max}.");
            }
        }
    }

    // RAW: pixel k of a word at bits [k·s, (k+1)·s) from the least significant end, words big-endian; a quad's chips first re-arranged into the readout.
    private void PackRaw(ReadOnlySpan<float> frame, Span<byte> data)
    {
        int slot = Format switch { MerlinPixelFormat.Raw1 => 1, MerlinPixelFormat.Raw6 => 8, _ => 16 };
        int perWord = 64 / slot;
        int words = data.Length / 8;
        for (int w = 0; w < words; w++)
        {
            ulong word = 0;
            for (int k = 0; k < perWord; k++)
            {
                int p = (w * perWord) + k;
                word |= (ulong)frame[_quad ? QuadPixel(p) : p] << (k * slot);
            }

            BinaryPrimitives.WriteUInt64BigEndian(data[(w * 8)..], word);
        }
    }

    // The image pixel at readout position p (readout row r, column c of [4 | 3 | 2 | 1]).
    private static int QuadPixel(int p)
    {
        int r = p / (4 * ChipSide), c = p % (4 * ChipSide), chip = 3 - (c / ChipSide), x = c % ChipSide;
        return chip switch
        {
            0 => (r * QuadSide) + x,                                              // chip 1: top-left
            1 => (r * QuadSide) + ChipSide + x,                                   // chip 2: top-right
            2 => ((QuadSide - 1 - r) * QuadSide) + (ChipSide - 1 - x),             // chip 3: bottom-left, turned
            _ => ((QuadSide - 1 - r) * QuadSide) + ChipSide + (ChipSide - 1 - x),  // chip 4: bottom-right, turned
        };
    }

    private static string SequenceFormat(long sequence) => sequence < 1_000_000 ? "D6" : "D";

    private void BuildHeader(long sequence)
    {
        bool raw = Format is MerlinPixelFormat.Raw1 or MerlinPixelFormat.Raw6 or MerlinPixelFormat.Raw12;
        string type = Format switch { MerlinPixelFormat.U08 => "U08", MerlinPixelFormat.U16 => "U16", MerlinPixelFormat.U32 => "U32", _ => "R64" };
        int width = raw && _quad ? 4 * ChipSide : _detCols;
        int height = raw && _quad ? ChipSide : _detRows;
        string chips = _quad ? "04" : "01";
        string dacs = string.Join(",", Enumerable.Repeat("175,511,000,000,000,000,000,000,125,255,125,125,100,100,082,100,087,030,128,004,255,129,128,176,168,511,511", _quad ? 4 : 1));
        string text = string.Create(CultureInfo.InvariantCulture,
            $"MQ1,{sequence.ToString(SequenceFormat(sequence), CultureInfo.InvariantCulture)},{_headerLength:D5},{chips},{width:D4},{height:D4},{type},{(_quad ? "2x2" : "1x1"),6},{(_quad ? "0F" : "01")}," +
            $"2026-12-01 00:00:00.000000,0.001000,0,0,0,1.200000E+1,0.000000E+0,0.000000E+0,0.000000E+0,0.000000E+0,0.000000E+0,0.000000E+0,0.000000E+0,3RX,{dacs}," +
            $"MQ1A,2026-12-01T00:00:00.000000000Z,1000000ns,{_depth},");
        byte[] ascii = Encoding.ASCII.GetBytes(text);
        if (ascii.Length > _headerLength)
        {
            throw new InvalidOperationException($"a frame header of {ascii.Length} bytes does not fit in {_headerLength}.");
        }

        _header = new byte[_headerLength];
        ascii.CopyTo(_header, 0);
        _headerSequenceLimit = sequence < 1_000_000 ? 1_000_000 : (long)Math.Pow(10, Math.Floor(Math.Log10(sequence)) + 1);
    }
}
