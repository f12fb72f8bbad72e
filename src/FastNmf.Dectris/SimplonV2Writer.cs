using System.Formats.Cbor;

namespace FastNmf.Dectris;

/// <summary>
/// SIMPLON stream v2 messages as a DECTRIS detector sends them (the fields <see cref="SimplonV2Message"/> reads and
/// the ones a client expects beside them): start, image (one channel, <c>threshold_1</c>, a row-major uint16
/// little-endian MultiDimArray whose bytes are bitshuffle + LZ4 in the DECTRIS compression tag) and end.
/// </summary>
internal static class SimplonV2Writer
{
    /// <summary>The channel every replayed image has.</summary>
    public const string Channel = "threshold_1";

    /// <summary>The series' start.</summary>
    public static byte[] Start(long series, string uniqueId, long images, int rows, int cols)
    {
        var w = new CborWriter(CborConformanceMode.Lax);
        w.WriteStartMap(10);
        Text(w, "type", "start");
        w.WriteTextString("channels");
        w.WriteStartArray(1);
        w.WriteTextString(Channel);
        w.WriteEndArray();
        w.WriteTextString("count_time");
        w.WriteDouble(0);
        w.WriteTextString("frame_time");
        w.WriteDouble(0);
        Text(w, "image_dtype", "uint16");
        Unsigned(w, "image_size_x", cols);
        Unsigned(w, "image_size_y", rows);
        Unsigned(w, "number_of_images", images);
        Unsigned(w, "series_id", series);
        Text(w, "series_unique_id", uniqueId);
        w.WriteEndMap();
        return w.Encode();
    }

    /// <summary>One image: <paramref name="payload"/> is the bitshuffle + LZ4 chunk of rows × cols uint16 (or, with
    /// <paramref name="algorithm"/> null, the raw little-endian bytes).</summary>
    public static byte[] Image(long series, string uniqueId, long image, int rows, int cols, ReadOnlySpan<byte> payload, string? algorithm = "bslz4", ulong typedArrayTag = 69)
    {
        var w = new CborWriter(CborConformanceMode.Lax);
        w.WriteStartMap(7);
        Text(w, "type", "image");
        w.WriteTextString("data");
        w.WriteStartMap(1);
        w.WriteTextString(Channel);
        w.WriteTag((CborTag)SimplonV2Message.MultiDimArrayTag);
        w.WriteStartArray(2);
        w.WriteStartArray(2);
        w.WriteUInt64((ulong)rows);
        w.WriteUInt64((ulong)cols);
        w.WriteEndArray();
        w.WriteTag((CborTag)typedArrayTag);
        if (algorithm is null)
        {
            w.WriteByteString(payload);
        }
        else
        {
            w.WriteTag((CborTag)SimplonV2Message.CompressionTag);
            w.WriteStartArray(3);
            w.WriteTextString(algorithm);
            w.WriteUInt64(algorithm == "bslz4" ? 2UL : 0UL);
            w.WriteByteString(payload);
            w.WriteEndArray();
        }

        w.WriteEndArray();
        w.WriteEndMap();
        Unsigned(w, "image_id", image);
        Rational(w, "real_time");
        Unsigned(w, "series_id", series);
        Text(w, "series_unique_id", uniqueId);
        Rational(w, "start_time");
        w.WriteEndMap();
        return w.Encode();
    }

    /// <summary>The series' end.</summary>
    public static byte[] End(long series, string uniqueId)
    {
        var w = new CborWriter(CborConformanceMode.Lax);
        w.WriteStartMap(3);
        Text(w, "type", "end");
        Unsigned(w, "series_id", series);
        Text(w, "series_unique_id", uniqueId);
        w.WriteEndMap();
        return w.Encode();
    }

    private static void Text(CborWriter w, string key, string value)
    {
        w.WriteTextString(key);
        w.WriteTextString(value);
    }

    private static void Unsigned(CborWriter w, string key, long value)
    {
        w.WriteTextString(key);
        w.WriteUInt64((ulong)value);
    }

    private static void Rational(CborWriter w, string key)
    {
        w.WriteTextString(key);
        w.WriteStartArray(2);
        w.WriteUInt64(0);
        w.WriteUInt64(1);
        w.WriteEndArray();
    }
}
