namespace FastNmf.Dectris;

// SIMPLON stream v2: one CBOR map per message (start, image, end), read with the same series, shape, encoding and
// frame-id checks as version 1.
public sealed partial class SimplonStreamReader
{
    private int _version;
    private int _channels;

    private enum V2Outcome
    {
        Header,
        Image,
        End,
    }

    private V2Outcome TakeV2(ReadOnlyMemory<byte> message)
    {
        SimplonV2Message m;
        try
        {
            m = SimplonV2Message.Parse(message);
        }
        catch (InvalidDataException e)
        {
            throw Bad($"{(_next > 0 ? $"after image {_next - 1}: " : string.Empty)}{e.Message}");
        }

        _version = 2;
        switch (m.Type)
        {
            case "start":
                if (_rows > 0 && m.Series != _series)
                {
                    throw Bad($"a new series ({m.Series}) began after {_next} image(s) of series {_series}");
                }

                _series = m.Series;
                _announced = m.Images;
                return V2Outcome.Header;
            case "end":
                if (_series < 0 || m.Series != _series)
                {
                    return V2Outcome.Header; // a stale end of an earlier series
                }

                _ended = true;
                return V2Outcome.End;
            case "image":
                if (_series >= 0 && m.Series != _series)
                {
                    throw Bad($"image {m.Image} of series {m.Series} in series {_series}");
                }

                if (m.Encoding is not SimplonEncoding encoding || m.Image < 0)
                {
                    throw Bad($"image {m.Image} of series {m.Series}: no image_id or no data channel");
                }

                _channels = m.Channels;
                Accept(m.Series, m.Image, m.Cols, m.Rows, encoding, m.Payload.Span);
                return V2Outcome.Image;
            default:
                throw Bad($"a CBOR message of type '{m.Type}', not a SIMPLON v2 one (start, image, end)");
        }
    }
}
