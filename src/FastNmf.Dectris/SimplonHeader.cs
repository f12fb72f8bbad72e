using System.Text.Json;

namespace FastNmf.Dectris;

/// <summary>The fields FastNmf reads from one JSON part of a SIMPLON stream v1 message (all others are skipped).</summary>
internal readonly record struct SimplonHeader(string? HType, long Series, long Frame, int ShapeX, int ShapeY, string? Type, string? Encoding, long Images, long Triggers, int PixelsX, int PixelsY)
{
    /// <summary>Reads the top-level fields of <paramref name="json"/>.</summary>
    /// <exception cref="JsonException">not a JSON object.</exception>
    public static SimplonHeader Parse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("not a JSON object");
        }

        string? htype = null, type = null, encoding = null;
        long series = -1, frame = -1, images = 0, triggers = 0;
        int shapeX = 0, shapeY = 0, pixelsX = 0, pixelsY = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "htype" when reader.TokenType == JsonTokenType.String:
                    htype = reader.GetString();
                    break;
                case "series" when reader.TokenType == JsonTokenType.Number:
                    series = reader.GetInt64();
                    break;
                case "frame" when reader.TokenType == JsonTokenType.Number:
                    frame = reader.GetInt64();
                    break;
                case "type" when reader.TokenType == JsonTokenType.String:
                    type = reader.GetString();
                    break;
                case "encoding" when reader.TokenType == JsonTokenType.String:
                    encoding = reader.GetString();
                    break;
                case "nimages" when reader.TokenType == JsonTokenType.Number:
                    images = reader.GetInt64();
                    break;
                case "ntrigger" when reader.TokenType == JsonTokenType.Number:
                    triggers = reader.GetInt64();
                    break;
                case "x_pixels_in_detector" when reader.TokenType == JsonTokenType.Number:
                    pixelsX = reader.GetInt32();
                    break;
                case "y_pixels_in_detector" when reader.TokenType == JsonTokenType.Number:
                    pixelsY = reader.GetInt32();
                    break;
                case "shape" when reader.TokenType == JsonTokenType.StartArray:
                    reader.Read();
                    shapeX = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : 0;
                    reader.Read();
                    shapeY = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : 0;
                    while (reader.TokenType != JsonTokenType.EndArray && reader.Read())
                    {
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new SimplonHeader(htype, series, frame, shapeX, shapeY, type, encoding, images, triggers, pixelsX, pixelsY);
    }
}
