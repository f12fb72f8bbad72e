using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using FastNmf.IO;
using FastNmf.IO.Mib;

namespace FastNmf.Streams;

/// <summary>
/// A Merlin data port (or anything that speaks its framing, <see cref="MerlinFraming"/>): the acquisition header, then
/// frames of one layout — U08, big-endian U16/U32, RAW 1/6/12-bit single chip or quad (decoded as a .mib file is,
/// <see cref="MibRawDecoder"/>). Every frame's header is checked against the first one's, and its sequence number
/// (from 1) gives its index: a gap is counted in <see cref="LostFrames"/> and skipped, never renumbered. Bytes before
/// the first message are discarded (up to 1 MiB, as Merlin clients drain a port); after it, bytes that are not a
/// message, a frame of another size or layout, a second acquisition header or a sequence that goes back are one
/// <see cref="DataFormatException"/> naming the origin and byte offset.
/// </summary>
public sealed class MerlinStreamReader : DetectorStream
{
    private const int MaxLeadingBytes = 1 << 20;

    private readonly Stream _stream;
    private readonly IDisposable? _owner;
    private readonly byte[] _prefix = new byte[MerlinFraming.PrefixLength];
    private byte[] _payload = new byte[64 << 10];
    private int _payloadLength;
    private long _payloadOffset;
    private long _offset;
    private MibHeader? _layout;
    private byte[] _layoutFields = [];
    private int _layoutFieldsStart;
    private MibHdr? _acquisition;
    private long _framesAnnounced;
    private (int, int)? _scan;
    private bool _pending;
    private long _pendingIndex;
    private long _nextIndex;
    private long _pendingArrival;
    private Exception? _deferred;

    /// <summary>Reads the messages of <paramref name="stream"/>; <paramref name="owner"/> (e.g. the socket) is disposed with the reader.</summary>
    public MerlinStreamReader(Stream stream, string origin, IDisposable? owner = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(origin);
        _stream = stream;
        _owner = owner;
        Origin = origin;
    }

    /// <inheritdoc/>
    public override string Origin { get; }

    /// <inheritdoc/>
    public override int DetRows => Layout.ImageHeight;

    /// <inheritdoc/>
    public override int DetCols => Layout.ImageWidth;

    /// <inheritdoc/>
    public override bool FitsUInt16 => Layout.Type != MibPixelType.U32;

    /// <inheritdoc/>
    public override long FramesAnnounced => _framesAnnounced;

    /// <inheritdoc/>
    public override (int Rows, int Cols)? ScanAnnounced => _scan;

    /// <inheritdoc/>
    public override long BytesReceived => _offset;

    /// <inheritdoc/>
    /// <remarks>For streams that support timeouts, as a TCP connection's does.</remarks>
    public override TimeSpan ReadTimeout
    {
        get => _stream.CanTimeout ? TimeSpan.FromMilliseconds(_stream.ReadTimeout) : Timeout.InfiniteTimeSpan;
        set
        {
            if (_stream.CanTimeout)
            {
                _stream.ReadTimeout = (int)Math.Clamp(value.TotalMilliseconds, 1, int.MaxValue);
            }
        }
    }

    /// <summary>Frames the sequence numbers say were sent but never arrived.</summary>
    public long LostFrames { get; private set; }

    /// <summary>Bytes before the first message that were discarded.</summary>
    public long DiscardedLeadingBytes { get; private set; }

    /// <summary>The acquisition header's value of <paramref name="key"/> (e.g. <c>Counter Depth (number)</c>), or null.</summary>
    public string? AcquisitionValue(string key) => _acquisition?[key];

    private MibHeader Layout => _layout ?? throw new InvalidOperationException("call Open() first: the frame layout comes with the first frame.");

    /// <inheritdoc/>
    public override string Describe() => $"{Layout.ImageWidth}×{Layout.ImageHeight} {Layout.Describe()}, {Layout.Layout}";

    /// <inheritdoc/>
    public override void Open()
    {
        if (_layout is not null)
        {
            return;
        }

        if (!NextFrame())
        {
            throw new DataFormatException(Origin, _offset, $"the stream ended before its first frame ({_offset} bytes received{(_acquisition is null ? ", no acquisition header" : string.Empty)}).");
        }
    }

    /// <inheritdoc/>
    public override int Read(Span<ushort> frames, Span<long> arrivals, out long firstIndex)
    {
        Open();
        if (!FitsUInt16)
        {
            throw new InvalidOperationException($"{Origin} sends {Layout.Describe()} frames, which do not fit uint16: read float32.");
        }

        return ReadRun(frames.Length, arrivals, out firstIndex, frames, default);
    }

    /// <inheritdoc/>
    public override int Read(Span<float> frames, Span<long> arrivals, out long firstIndex) => ReadRun(frames.Length, arrivals, out firstIndex, default, frames);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stream.Dispose();
            _owner?.Dispose();
        }
    }

    private int ReadRun(int values, Span<long> arrivals, out long firstIndex, Span<ushort> counts, Span<float> floats)
    {
        Open();
        int length = FrameLength;
        int capacity = values / length;
        if (capacity < 1)
        {
            throw new ArgumentException($"room for {values} values holds no {DetCols}×{DetRows} frame.", nameof(values));
        }

        if (_deferred is Exception failed)
        {
            _deferred = null;
            throw failed;
        }

        int count = 0;
        firstIndex = _nextIndex;
        while (count < capacity)
        {
            if (!_pending && (AcquisitionDone() || !NextFrameKeeping(count)))
            {
                break;
            }

            if (count > 0 && _pendingIndex != firstIndex + count)
            {
                break; // a gap: the next run starts after it
            }

            if (count == 0)
            {
                firstIndex = _pendingIndex;
            }

            if (count < arrivals.Length)
            {
                arrivals[count] = _pendingArrival;
            }

            ReadOnlySpan<byte> data = _payload.AsSpan(Layout.Length, _payloadLength - Layout.Length);
            if (floats.IsEmpty)
            {
                DecodeCounts(data, counts.Slice(count * length, length));
            }
            else
            {
                DecodeFloats(data, floats.Slice(count * length, length));
            }

            _pending = false;
            count++;
            if (_stream is NetworkStream network && !network.DataAvailable)
            {
                break; // hand over what is here rather than wait to fill the buffer (latency)
            }
        }

        return count;
    }

    // The next frame; when it fails after frames of this run were read, they are returned first and the failure is
    // thrown by the next read.
    private bool NextFrameKeeping(int framesInRun)
    {
        try
        {
            return NextFrame();
        }
        catch (Exception e) when (framesInRun > 0 && e is DataFormatException or TimeoutException)
        {
            _deferred = e;
            return false;
        }
    }

    private bool AcquisitionDone() => _framesAnnounced > 0 && _nextIndex >= _framesAnnounced;

    // Reads messages up to the next frame (acquisition headers before the first frame are taken in); false at the end.
    private bool NextFrame()
    {
        while (ReadMessage())
        {
            ReadOnlySpan<byte> payload = _payload.AsSpan(0, _payloadLength);
            if (payload.StartsWith("MQ1,"u8))
            {
                TakeFrame(payload);
                return true;
            }

            if (payload.StartsWith("HDR"u8))
            {
                if (_layout is not null)
                {
                    throw new DataFormatException(Origin, _payloadOffset,
                        $"a second acquisition header after {_nextIndex} frame(s){(_framesAnnounced > 0 ? $" of the {_framesAnnounced} announced" : string.Empty)}: a new acquisition began before this one ended.");
                }

                TakeAcquisitionHeader(payload);
                continue;
            }

            throw new DataFormatException(Origin, _payloadOffset,
                $"a {_payloadLength}-byte MPX message that is neither an acquisition header (HDR) nor a frame (MQ1): it starts '{MerlinFraming.Printable(payload)}'.");
        }

        return false;
    }

    private void TakeAcquisitionHeader(ReadOnlySpan<byte> payload)
    {
        _acquisition = MibHdr.Parse(payload, Origin, _payloadOffset);
        ScanShape? scan = _acquisition.ScanShape();
        _scan = scan is ScanShape s ? (s.Rows, s.Cols) : null;
        string? total = _acquisition["Frames in Acquisition (Number)"];
        _framesAnnounced = long.TryParse(total, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n) && n > 0 ? n : 0;
    }

    private void TakeFrame(ReadOnlySpan<byte> payload)
    {
        if (_layout is null)
        {
            MibHeader first = MibHeader.Parse(payload, Origin, _payloadOffset);
            if (payload.Length != first.FrameBytes)
            {
                throw new DataFormatException(Origin, _payloadOffset,
                    $"the first frame's message holds {payload.Length} bytes, its header says {first.FrameBytes} ({first.Length}-byte header + {first.Width}×{first.Height} {first.Describe()}).");
            }

            _layout = first;
            _layoutFieldsStart = FieldStart(payload, 2);
            int end = FieldStart(payload, 8);
            _layoutFields = payload[_layoutFieldsStart..end].ToArray();
        }
        else if (payload.Length != _layout.FrameBytes || !payload[_layoutFieldsStart..].StartsWith(_layoutFields))
        {
            // The exact field that changed, if the header says; else the size.
            _ = _layout.CheckSameLayout(payload, Origin, _payloadOffset);
            if (payload.Length != _layout.FrameBytes)
            {
                throw new DataFormatException(Origin, _payloadOffset,
                    $"a frame of another size: a {payload.Length}-byte message where every frame of this acquisition has {_layout.FrameBytes}.");
            }
        }

        long sequence = Sequence(payload);
        long index = sequence - 1;
        if (index < _nextIndex)
        {
            throw new DataFormatException(Origin, _payloadOffset + 4,
                $"frame sequence number {sequence} after {_nextIndex}: a repeated or re-ordered frame would overwrite the scan.");
        }

        if (_framesAnnounced > 0 && index >= _framesAnnounced)
        {
            throw new DataFormatException(Origin, _payloadOffset + 4,
                $"frame sequence number {sequence} is past the {_framesAnnounced} frames the acquisition header announced.");
        }

        LostFrames += index - _nextIndex;
        _nextIndex = index + 1;
        _pendingIndex = index;
        _pending = true;
    }

    private long Sequence(ReadOnlySpan<byte> payload)
    {
        int start = 4, end = payload[start..].IndexOf((byte)',') + start;
        if (end < start || !Utf8Parser.TryParse(payload[start..end], out long sequence, out int used) || used != end - start || sequence < 1)
        {
            throw new DataFormatException(Origin, _payloadOffset + start, $"frame header field 1 (sequence number) is '{MerlinFraming.Printable(payload[start..])}', not a number from 1.");
        }

        return sequence;
    }

    private static int FieldStart(ReadOnlySpan<byte> header, int field)
    {
        int at = 0;
        for (int i = 0; i < field; i++)
        {
            int comma = header[at..].IndexOf((byte)',');
            if (comma < 0)
            {
                return header.Length;
            }

            at += comma + 1;
        }

        return at;
    }

    // One whole message into _payload; false at a clean end of the stream (between messages).
    private bool ReadMessage()
    {
        int got = Fill(_prefix);
        if (got == 0)
        {
            return false;
        }

        if (got < _prefix.Length)
        {
            throw Ended($"inside a message prefix ({got} of {_prefix.Length} bytes)");
        }

        long payload = MerlinFraming.PayloadLength(_prefix);
        if (payload < 0 && _layout is null && _acquisition is null)
        {
            payload = SkipLeadingBytes();
        }

        if (payload < 0)
        {
            throw new DataFormatException(Origin, _offset,
                $"the bytes '{MerlinFraming.Printable(_prefix)}' are not an MPX message prefix ('MPX,' + 10 digits + ','): the stream is corrupt or not a Merlin data port.");
        }

        if (payload > MerlinFraming.MaxPayload)
        {
            throw new DataFormatException(Origin, _offset, $"an MPX message of {payload} bytes: far larger than any Merlin frame ({MerlinFraming.MaxPayload} at most).");
        }

        _payloadOffset = _offset + _prefix.Length;
        if (payload > _payload.Length)
        {
            _payload = new byte[payload];
        }

        _payloadLength = (int)payload;
        int read = Fill(_payload.AsSpan(0, _payloadLength));
        if (read < _payloadLength)
        {
            _offset = _payloadOffset + read;
            throw Ended($"inside a {_payloadLength}-byte message that starts at byte {_payloadOffset} ({read} bytes of it arrived)");
        }

        _offset = _payloadOffset + _payloadLength;
        _pendingArrival = Stopwatch.GetTimestamp();
        return true;
    }

    // Before anything was understood: drop bytes until "MPX," (a port that still held an earlier acquisition's tail, or noise).
    private long SkipLeadingBytes()
    {
        Span<byte> window = _prefix;
        long skipped = 0;
        while (skipped < MaxLeadingBytes)
        {
            int at = window[1..].IndexOf("MPX,"u8);
            int drop = at >= 0 ? at + 1 : Math.Max(1, window.Length - 3);
            window[drop..].CopyTo(window);
            skipped += drop;
            int got = Fill(window[(window.Length - drop)..]);
            if (got < drop)
            {
                throw Ended($"after {skipped} bytes that were not an MPX message");
            }

            long payload = MerlinFraming.PayloadLength(window);
            if (payload >= 0)
            {
                DiscardedLeadingBytes = skipped;
                _offset += skipped;
                return payload;
            }
        }

        throw new DataFormatException(Origin, 0, $"no MPX message in the first {MaxLeadingBytes} bytes: this is not a Merlin data port.");
    }

    private DataFormatException Ended(string where) =>
        new(Origin, _offset, $"the stream ended {where}, after {_nextIndex} frame(s).");

    // Reads until the span is full or the stream ends; the bytes read.
    private int Fill(Span<byte> buffer)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = _stream.Read(buffer[total..]);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut })
        {
            throw new TimeoutException($"{Origin}: nothing arrived for {_stream.ReadTimeout / 1000.0:0.#} s (after {_nextIndex} frame(s), {_offset + total} bytes).", e);
        }
        catch (IOException e)
        {
            throw new DataFormatException(Origin, _offset + total, $"the connection failed after {_nextIndex} frame(s): {e.Message}");
        }

        return total;
    }

    private void DecodeCounts(ReadOnlySpan<byte> data, Span<ushort> frame)
    {
        switch (Layout.Type)
        {
            case MibPixelType.U08:
                // Latin-1 maps every byte to the char of the same value: a vectorised widening.
                Encoding.Latin1.GetChars(data, MemoryMarshal.Cast<ushort, char>(frame));
                break;
            case MibPixelType.U16:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(data), frame);
                break;
            default:
                MibRawDecoder.Decode(data, Layout, frame);
                break;
        }
    }

    private void DecodeFloats(ReadOnlySpan<byte> data, Span<float> frame)
    {
        Span<byte> own = _payload.AsSpan(Layout.Length, data.Length);
        switch (Layout.Type)
        {
            case MibPixelType.U08:
                ElementConversion.ToFloat32(data, frame, NpyDtype.UInt8);
                break;
            case MibPixelType.U16:
            case MibPixelType.U32:
                int size = Layout.Type == MibPixelType.U16 ? 2 : 4;
                ElementConversion.ReverseEndianness(own, size); // in place: the payload is read once
                ElementConversion.ToFloat32(own, frame, size == 2 ? NpyDtype.UInt16 : NpyDtype.UInt32);
                break;
            default:
                MibRawDecoder.Decode(data, Layout, frame);
                break;
        }
    }
}
