using System.Formats.Cbor;

namespace FastNmf.Dectris;

/// <summary>
/// The fields FastNmf reads from one SIMPLON stream v2 message (DECTRIS release 2022.1+, <c>format = cbor</c>): a
/// top-level CBOR map of text keys whose <c>type</c> is <c>start</c>, <c>image</c> or <c>end</c>. An image's first
/// channel is read: a MultiDimArray (RFC 8746 tag 40, row-major: dimensions [rows, columns] then a typed array, tag 64
/// uint8, 65/69 uint16 big/little-endian, 66/70 uint32), whose bytes may be wrapped in the DECTRIS compression tag 56500
/// (<c>["bslz4", element size, bytes]</c> or <c>["lz4", 0, bytes]</c>, both with the HDF5 filters' framing). The payload
/// stays a slice of the message (no copy). Every other field is skipped.
/// </summary>
internal sealed record SimplonV2Message(
    string Type,
    long Series,
    long Image,
    long Images,
    int SizeX,
    int SizeY,
    string? Channel,
    int Channels,
    int Rows,
    int Cols,
    SimplonEncoding? Encoding,
    ReadOnlyMemory<byte> Payload)
{
    /// <summary>RFC 8746's row-major multi-dimensional array.</summary>
    public const ulong MultiDimArrayTag = 40;

    /// <summary>DECTRIS's compressed byte string.</summary>
    public const ulong CompressionTag = 56500;

    private const ulong SelfDescribeTag = 55799;

    /// <summary>Whether <paramref name="message"/> starts as a CBOR map (or the self-described CBOR tag) rather than a
    /// v1 JSON header (<c>{</c>).</summary>
    public static bool IsCbor(ReadOnlySpan<byte> message) =>
        message.Length > 0 && ((message[0] >= 0xA0 && message[0] <= 0xBF) || message[0] == 0xD9);

    /// <summary>Reads one message.</summary>
    /// <exception cref="InvalidDataException">not a CBOR map, truncated, or an image FastNmf cannot read (the message says which field).</exception>
    public static SimplonV2Message Parse(ReadOnlyMemory<byte> message)
    {
        try
        {
            var reader = new CborReader(message, CborConformanceMode.Lax, allowMultipleRootLevelValues: false);
            if (reader.PeekState() == CborReaderState.Tag && reader.PeekTag() == (CborTag)SelfDescribeTag)
            {
                reader.ReadTag();
            }

            if (reader.PeekState() != CborReaderState.StartMap)
            {
                throw new InvalidDataException($"a CBOR {reader.PeekState()} where a v2 message is a map");
            }

            var fields = new Fields(message);
            reader.ReadStartMap();
            while (reader.PeekState() != CborReaderState.EndMap)
            {
                string key = reader.PeekState() == CborReaderState.TextString ? reader.ReadTextString() : Skip(reader);
                fields.Read(key, reader);
            }

            reader.ReadEndMap();
            return fields.ToMessage();
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or OverflowException or FormatException)
        {
            throw new InvalidDataException($"not a readable SIMPLON v2 message ({e.Message})", e);
        }
    }

    private static string Skip(CborReader reader)
    {
        reader.SkipValue();
        return string.Empty;
    }

    // A definite byte string as a slice of the message: where it starts and ends by the reader's position, less its
    // head (the initial byte and 0, 1, 2, 4 or 8 length bytes).
    private static ReadOnlyMemory<byte> ByteString(CborReader reader, ReadOnlyMemory<byte> message)
    {
        if (reader.PeekState() != CborReaderState.ByteString)
        {
            throw new InvalidDataException($"a CBOR {reader.PeekState()} where the image's bytes are");
        }

        int start = message.Length - reader.BytesRemaining;
        int info = message.Span[start] & 0x1F;
        reader.SkipValue();
        int end = message.Length - reader.BytesRemaining;
        int head = info switch
        {
            < 24 => 1,
            24 => 2,
            25 => 3,
            26 => 5,
            27 => 9,
            _ => throw new InvalidDataException("an indefinite-length byte string where the image's bytes are (DECTRIS sends definite ones)"),
        };
        return message.Slice(start + head, end - start - head);
    }

    // What the keys of one message set.
    private sealed class Fields(ReadOnlyMemory<byte> message)
    {
        private readonly ReadOnlyMemory<byte> _message = message;
        private string? _type;
        private long _series = -1;
        private long _image = -1;
        private long _images;
        private int _sizeX;
        private int _sizeY;
        private string? _channel;
        private int _channels;
        private int _rows;
        private int _cols;
        private SimplonEncoding? _encoding;
        private ReadOnlyMemory<byte> _payload;

        public void Read(string key, CborReader reader)
        {
            switch (key)
            {
                case "type" when reader.PeekState() == CborReaderState.TextString:
                    _type = reader.ReadTextString();
                    break;
                case "series_id" when reader.PeekState() == CborReaderState.UnsignedInteger:
                    _series = checked((long)reader.ReadUInt64());
                    break;
                case "image_id" when reader.PeekState() == CborReaderState.UnsignedInteger:
                    _image = checked((long)reader.ReadUInt64());
                    break;
                case "number_of_images" when reader.PeekState() == CborReaderState.UnsignedInteger:
                    _images = checked((long)reader.ReadUInt64());
                    break;
                case "image_size_x" when reader.PeekState() == CborReaderState.UnsignedInteger:
                    _sizeX = checked((int)reader.ReadUInt64());
                    break;
                case "image_size_y" when reader.PeekState() == CborReaderState.UnsignedInteger:
                    _sizeY = checked((int)reader.ReadUInt64());
                    break;
                case "data" when reader.PeekState() == CborReaderState.StartMap:
                    ReadData(reader);
                    break;
                default:
                    reader.SkipValue();
                    break;
            }
        }

        public SimplonV2Message ToMessage() =>
            new(_type ?? "(no type)", _series, _image, _images, _sizeX, _sizeY, _channel, _channels, _rows, _cols, _encoding, _payload);

        // data: channel name → MultiDimArray; the first channel is the image, the others are counted and skipped.
        private void ReadData(CborReader reader)
        {
            reader.ReadStartMap();
            while (reader.PeekState() != CborReaderState.EndMap)
            {
                string name = reader.PeekState() == CborReaderState.TextString ? reader.ReadTextString() : "?";
                if (_channels++ == 0)
                {
                    _channel = name;
                    ReadArray(reader, name);
                }
                else
                {
                    reader.SkipValue();
                }
            }

            reader.ReadEndMap();
        }

        private void ReadArray(CborReader reader, string channel)
        {
            ulong tag = reader.PeekState() == CborReaderState.Tag ? (ulong)reader.ReadTag() : 0;
            if (tag != MultiDimArrayTag)
            {
                throw new InvalidDataException(tag == 1040
                    ? $"channel '{channel}' is a column-major array (tag 1040): DECTRIS sends row-major (tag 40)"
                    : $"channel '{channel}' is not a MultiDimArray (RFC 8746 tag 40){(tag != 0 ? $" but tag {tag}" : string.Empty)}");
            }

            reader.ReadStartArray();
            int? dims = reader.ReadStartArray();
            var shape = new List<long>(2);
            while (reader.PeekState() != CborReaderState.EndArray)
            {
                shape.Add(checked((long)reader.ReadUInt64()));
            }

            reader.ReadEndArray();
            if ((dims is not null && dims != 2) || shape.Count != 2 || shape[0] < 1 || shape[1] < 1 || shape[0] * shape[1] > 1 << 26)
            {
                throw new InvalidDataException($"channel '{channel}' has dimensions [{string.Join(", ", shape)}]: an image is [rows, columns]");
            }

            (_rows, _cols) = ((int)shape[0], (int)shape[1]);
            ulong typed = reader.PeekState() == CborReaderState.Tag ? (ulong)reader.ReadTag() : 0;
            (int size, bool big) = typed switch
            {
                64 => (1, false),
                65 => (2, true),
                66 => (4, true),
                69 => (2, false),
                70 => (4, false),
                _ => throw new InvalidDataException($"channel '{channel}': typed array tag {typed} (RFC 8746); readable are 64 (uint8), 65/69 (uint16) and 66/70 (uint32)"),
            };
            bool bitshuffle = false, lz4 = false;
            string text = $"{(big ? "big" : "little")}-endian uint{8 * size}";
            if (reader.PeekState() == CborReaderState.Tag)
            {
                ulong compression = (ulong)reader.ReadTag();
                if (compression != CompressionTag)
                {
                    throw new InvalidDataException($"channel '{channel}': tag {compression} where the bytes or the DECTRIS compression tag 56500 are");
                }

                reader.ReadStartArray();
                string algorithm = reader.ReadTextString();
                ulong modifier = reader.ReadUInt64();
                (bitshuffle, lz4) = algorithm switch
                {
                    "bslz4" => (true, true),
                    "lz4" => (false, true),
                    _ => throw new InvalidDataException($"channel '{channel}': compression '{algorithm}'; readable are bslz4 and lz4"),
                };
                if (bitshuffle && modifier != (ulong)size)
                {
                    throw new InvalidDataException($"channel '{channel}': bslz4 of {modifier}-byte elements in a uint{8 * size} array");
                }

                _payload = ByteString(reader, _message);
                reader.ReadEndArray();
                text = $"{algorithm} {text}";
            }
            else
            {
                _payload = ByteString(reader, _message);
            }

            reader.ReadEndArray();
            _encoding = new SimplonEncoding(bitshuffle, lz4, size, big, $"{text} (stream v2)");
        }
    }
}
