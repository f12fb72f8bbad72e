using System.Text;

namespace FastNmf.Dectris;

/// <summary>
/// SIMPLON stream v1 messages as a DECTRIS detector sends them (the parts <see cref="SimplonStreamReader"/> reads):
/// the series header (dheader-1.0 and the detector configuration), an image (dimage-1.0, dimage_d-1.0 for uint16
/// bitshuffle + LZ4, <c>bs16-lz4&lt;</c>, the blob, dconfig-1.0) and the series end. The replay, the tests and the
/// benchmark all send these.
/// </summary>
internal static class SimplonV1Writer
{
    /// <summary>The series header's two parts.</summary>
    public static byte[][] Header(long series, long images, int rows, int cols) =>
    [
        Json($"{{\"htype\":\"dheader-1.0\",\"header_detail\":\"basic\",\"series\":{series}}}"),
        Json($"{{\"x_pixels_in_detector\":{cols},\"y_pixels_in_detector\":{rows},\"nimages\":{images},\"ntrigger\":1,\"bit_depth_image\":16,\"compression\":\"bslz4\"}}"),
    ];

    /// <summary>dimage_d-1.0 of a rows × cols uint16 bitshuffle + LZ4 image (the same for every image of a series).</summary>
    public static byte[] ImageD(int rows, int cols, string encoding = "bs16-lz4<") =>
        Json($"{{\"htype\":\"dimage_d-1.0\",\"shape\":[{cols},{rows}],\"type\":\"uint16\",\"encoding\":\"{encoding}\"}}");

    /// <summary>The four parts of image <paramref name="frame"/>: <paramref name="imageD"/> from <see cref="ImageD"/>, the blob as encoded.</summary>
    public static byte[][] Image(long series, long frame, byte[] imageD, byte[] blob) =>
        [Json($"{{\"htype\":\"dimage-1.0\",\"series\":{series},\"frame\":{frame},\"hash\":\"\"}}"), imageD, blob, Config];

    /// <summary>The series end.</summary>
    public static byte[][] End(long series) => [Json($"{{\"htype\":\"dseries_end-1.0\",\"series\":{series}}}")];

    private static byte[] Config { get; } = Json("{\"htype\":\"dconfig-1.0\",\"start_time\":0,\"stop_time\":0,\"real_time\":0}");

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);
}
