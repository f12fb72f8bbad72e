using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using FastNmf.IO;
using FastNmf.Streams;
using NetMQ;
using NetMQ.Sockets;

namespace FastNmf.Dectris;

/// <summary>
/// A DECTRIS SIMPLON stream (ARINA, QUADRO, EIGER2), version 1 or 2, told apart by each message's first byte. Version 1
/// (<c>stream/api/…/config/format = legacy</c>): a ZeroMQ PULL socket connected to the detector's PUSH port (9999),
/// multipart messages with JSON headers. Version 2 (<c>format = cbor</c>, port 31001): one CBOR map per message, start,
/// image and end (see <see cref="SimplonV2Message"/>), with the same checks as below. In version 1 a series is
/// <c>dheader-1.0</c> (and, for header_detail basic or all, the detector configuration: its pixels and image count),
/// then per image <c>dimage-1.0</c> (series, 0-based frame id), <c>dimage_d-1.0</c> (shape [x, y], type, encoding),
/// the blob and <c>dconfig-1.0</c>, then <c>dseries_end-1.0</c>. Frame ids give the index: a gap is counted in
/// <see cref="LostFrames"/> (ZeroMQ drops at its high-water mark) and never renumbered. A stale <c>dseries_end</c> of
/// an earlier series before the header is skipped; images of another series, a frame of another shape, an encoding
/// FastNmf cannot decode, or parts that are not the protocol's are one <see cref="DataFormatException"/> naming the
/// series and frame.
/// </summary>
public sealed partial class SimplonStreamReader : DetectorStream
{
    private readonly PullSocket _socket;
    private readonly List<byte[]> _buffers = new(6);
    private readonly List<ReadOnlyMemory<byte>> _parts = new(6);
    private Msg _msg;
    private long _series = -1;
    private int _rows;
    private int _cols;
    private SimplonEncoding? _encoding;
    private byte[] _elements = [];
    private long _announced;
    private long _next;
    private long _bytes;
    private bool _pending;
    private long _pendingIndex;
    private long _pendingArrival;
    private bool _ended;
    private Exception? _deferred;

    /// <summary>Connects a PULL socket to <paramref name="address"/> (e.g. <c>tcp://127.0.0.1:9999</c>); reads wait at most <see cref="ReadTimeout"/>.</summary>
    public SimplonStreamReader(string address, TimeSpan readTimeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        Origin = $"dectris {address}";
        ReadTimeout = readTimeout;
        _socket = new PullSocket();
        _socket.Options.ReceiveHighWatermark = 4096;
        _socket.Options.Linger = TimeSpan.Zero;
        try
        {
            _socket.Connect(address);
        }
        catch (Exception e) when (e is NetMQException or ArgumentException)
        {
            _socket.Dispose();
            throw new DataFormatException(Origin, null, $"cannot connect: {e.Message}");
        }

        _msg.InitEmpty();
    }

    /// <inheritdoc/>
    public override string Origin { get; }

    /// <inheritdoc/>
    public override TimeSpan ReadTimeout { get; set; }

    /// <inheritdoc/>
    public override int DetRows => _rows > 0 ? _rows : throw new InvalidOperationException("call Open() first: the frame shape comes with the first image.");

    /// <inheritdoc/>
    public override int DetCols => _cols;

    /// <inheritdoc/>
    public override bool FitsUInt16 => (_encoding?.ElementSize ?? 2) <= 2;

    /// <inheritdoc/>
    public override long FramesAnnounced => _announced;

    /// <inheritdoc/>
    public override (int Rows, int Cols)? ScanAnnounced => null;

    /// <inheritdoc/>
    public override long BytesReceived => _bytes;

    /// <summary>Frames the frame ids say were sent but never arrived.</summary>
    public long LostFrames { get; private set; }

    /// <inheritdoc/>
    public override string Describe() =>
        $"{(_version == 2 ? "stream v2, " : string.Empty)}{_cols}×{_rows} {(_encoding?.ElementSize switch { 1 => "uint8", 4 => "uint32", _ => "uint16" })}, encoding {_encoding?.Text}, series {_series}" +
        (_channels > 1 ? $", the first of {_channels} channels" : string.Empty);

    /// <inheritdoc/>
    public override void Open()
    {
        if (_rows > 0)
        {
            return;
        }

        if (!NextImage())
        {
            throw new DataFormatException(Origin, null, $"the series ended before its first image{(_series >= 0 ? $" (series {_series})" : string.Empty)}.");
        }
    }

    /// <inheritdoc/>
    public override int Read(Span<ushort> frames, Span<long> arrivals, out long firstIndex)
    {
        Open();
        if (!FitsUInt16)
        {
            throw new InvalidOperationException($"{Origin} sends uint32 images: read float32.");
        }

        return ReadRun(frames.Length, arrivals, out firstIndex, frames, default);
    }

    /// <inheritdoc/>
    public override int Read(Span<float> frames, Span<long> arrivals, out long firstIndex)
    {
        Open();
        return ReadRun(frames.Length, arrivals, out firstIndex, default, frames);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _msg.Close();
            _socket.Dispose();
        }
    }

    private int ReadRun(int values, Span<long> arrivals, out long firstIndex, Span<ushort> counts, Span<float> floats)
    {
        if (_deferred is Exception failed)
        {
            _deferred = null;
            throw failed;
        }

        int length = FrameLength, capacity = values / length, count = 0;
        if (capacity < 1)
        {
            throw new ArgumentException($"room for {values} values holds no {_cols}×{_rows} frame.", nameof(values));
        }

        firstIndex = _next;
        while (count < capacity)
        {
            if (!_pending)
            {
                bool more;
                try
                {
                    more = !_ended && (_announced == 0 || _next < _announced) && NextImage(count > 0 ? TimeSpan.Zero : ReadTimeout);
                }
                catch (Exception e) when (count > 0 && e is DataFormatException)
                {
                    _deferred = e;
                    more = false;
                }

                if (!more)
                {
                    break;
                }
            }

            if (count > 0 && _pendingIndex != firstIndex + count)
            {
                break;
            }

            if (count == 0)
            {
                firstIndex = _pendingIndex;
            }

            if (count < arrivals.Length)
            {
                arrivals[count] = _pendingArrival;
            }

            Convert(counts.IsEmpty ? default : counts.Slice(count * length, length), floats.IsEmpty ? default : floats.Slice(count * length, length));
            _pending = false;
            count++;
        }

        return count;
    }

    private void Convert(Span<ushort> counts, Span<float> floats)
    {
        int n = FrameLength;
        switch (_encoding!.Value.ElementSize)
        {
            case 1 when floats.IsEmpty:
                for (int i = 0; i < n; i++)
                {
                    counts[i] = _elements[i];
                }

                break;
            case 1:
                for (int i = 0; i < n; i++)
                {
                    floats[i] = _elements[i];
                }

                break;
            case 2:
                ReadOnlySpan<ushort> u16 = MemoryMarshal.Cast<byte, ushort>(_elements.AsSpan(0, 2 * n));
                if (floats.IsEmpty)
                {
                    u16.CopyTo(counts);
                }
                else
                {
                    for (int i = 0; i < n; i++)
                    {
                        floats[i] = u16[i];
                    }
                }

                break;
            default:
                ReadOnlySpan<uint> u32 = MemoryMarshal.Cast<byte, uint>(_elements.AsSpan(0, 4 * n));
                for (int i = 0; i < n; i++)
                {
                    floats[i] = u32[i];
                }

                break;
        }
    }

    // The next image of the series (headers before it taken in); false at the series' end or, with a zero wait, when
    // nothing is waiting.
    private bool NextImage(TimeSpan? wait = null)
    {
        while (true)
        {
            if (!ReceiveMessage(wait ?? ReadTimeout, wait == TimeSpan.Zero))
            {
                return false;
            }

            if (_parts.Count == 1 && SimplonV2Message.IsCbor(_parts[0].Span))
            {
                switch (TakeV2(_parts[0]))
                {
                    case V2Outcome.Image:
                        return true;
                    case V2Outcome.End:
                        return false;
                    default:
                        continue;
                }
            }

            SimplonHeader first = Header(0);
            switch (first.HType)
            {
                case "dheader-1.0":
                    TakeSeriesHeader(first);
                    continue;
                case "dseries_end-1.0":
                    if (_series < 0 || first.Series != _series)
                    {
                        continue; // a stale end of an earlier series
                    }

                    _ended = true;
                    return false;
                case "dimage-1.0":
                    TakeImage(first);
                    return true;
                default:
                    throw Bad($"a message whose first part is '{first.HType ?? "(no htype)"}', not a SIMPLON v1 header (dheader-1.0, dimage-1.0, dseries_end-1.0)");
            }
        }
    }

    private void TakeSeriesHeader(SimplonHeader header)
    {
        if (_rows > 0 && header.Series != _series)
        {
            throw Bad($"a new series ({header.Series}) began after {_next} image(s) of series {_series}");
        }

        _series = header.Series;
        if (_parts.Count > 1)
        {
            SimplonHeader config = Header(1);
            long images = Math.Max(1, config.Images) * Math.Max(1, config.Triggers);
            _announced = config.Images > 0 ? images : 0;
        }
    }

    private void TakeImage(SimplonHeader image)
    {
        if (_parts.Count < 3)
        {
            throw Bad($"an image message of {_parts.Count} part(s): dimage-1.0, dimage_d-1.0, the blob and dconfig-1.0 are 4");
        }

        if (_series >= 0 && image.Series != _series)
        {
            throw Bad($"image {image.Frame} of series {image.Series} in series {_series}");
        }

        SimplonHeader d = Header(1);
        if (d.HType != "dimage_d-1.0")
        {
            throw Bad($"image {image.Frame}: its second part is '{d.HType}', not dimage_d-1.0");
        }

        SimplonEncoding? encoding = _encoding;
        if (_rows == 0 || d.Encoding != _encoding!.Value.Text)
        {
            encoding = SimplonEncoding.Parse(d.Encoding, d.Type, out string? problem) ?? throw Bad($"image {image.Frame}: {problem}");
        }

        Accept(image.Series, image.Frame, d.ShapeX, d.ShapeY, encoding!.Value, _parts[2].Span);
    }

    // An image's shape and encoding checked against the series' first (which sets them), its index against the last,
    // its pixels decoded: the image is then pending.
    private void Accept(long series, long index, int cols, int rows, SimplonEncoding encoding, ReadOnlySpan<byte> blob)
    {
        if (_rows == 0)
        {
            if (cols < 1 || rows < 1 || (long)cols * rows > 1 << 26)
            {
                throw Bad($"image {index}: shape [{cols}, {rows}] is not a detector's");
            }

            (_cols, _rows, _encoding) = (cols, rows, encoding);
            _elements = new byte[(long)_rows * _cols * encoding.ElementSize];
            _series = series;
        }
        else if (cols != _cols || rows != _rows || encoding != _encoding!.Value)
        {
            throw Bad($"image {index} is [{cols}, {rows}] {encoding.Text}; the series' first was [{_cols}, {_rows}] {_encoding!.Value.Text}");
        }

        if (index < _next)
        {
            throw Bad($"frame id {index} after {_next - 1}: a repeated or re-ordered image would overwrite the scan");
        }

        try
        {
            _encoding!.Value.Decode(blob, _elements);
        }
        catch (InvalidDataException e)
        {
            throw Bad($"image {index}: {e.Message}");
        }

        LostFrames += index - _next;
        _next = index + 1;
        _pendingIndex = index;
        _pendingArrival = Stopwatch.GetTimestamp();
        _pending = true;
    }

    private SimplonHeader Header(int part)
    {
        try
        {
            return SimplonHeader.Parse(_parts[part].Span);
        }
        catch (JsonException e)
        {
            throw Bad($"part {part} of a message is not the JSON header it should be ({e.Message})");
        }
    }

    // One whole multipart message into _parts, each part copied into a buffer kept for the next messages (grown when a
    // part is larger: no allocation per frame once the first few are in); false when nothing arrived within the wait
    // (or, at zero wait, nothing is there).
    private bool ReceiveMessage(TimeSpan wait, bool pollOnly)
    {
        _parts.Clear();
        do
        {
            TimeSpan timeout = _parts.Count == 0 ? wait : ReadTimeout;
            if (!_socket.TryReceive(ref _msg, timeout))
            {
                if (_parts.Count == 0 && pollOnly)
                {
                    return false;
                }

                throw new TimeoutException($"{Origin}: nothing arrived for {timeout.TotalSeconds:0.#} s (after {_next} image(s){(_series >= 0 ? $" of series {_series}" : string.Empty)}).");
            }

            int size = _msg.Size, i = _parts.Count;
            _bytes += size;
            if (i == _buffers.Count)
            {
                _buffers.Add(new byte[Math.Max(size, 256)]);
            }
            else if (_buffers[i].Length < size)
            {
                _buffers[i] = new byte[size];
            }

            _msg.Slice().CopyTo(_buffers[i]);
            _parts.Add(_buffers[i].AsMemory(0, size));
        }
        while (_msg.HasMore);

        return true;
    }

    private DataFormatException Bad(string what) => new(Origin, null, $"{what}.");
}
