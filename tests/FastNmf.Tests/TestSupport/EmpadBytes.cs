using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FastNmf.Tests.TestSupport;

/// <summary>
/// Writes EMPAD acquisitions from the documented layout: the .raw is frames of 130 rows × 128 columns of little-endian
/// float32, the last two rows metadata (filled here with NaN and junk so that reading them would show); the .xml names
/// the raw file and the scan grid.
/// </summary>
internal static class EmpadBytes
{
    /// <summary>The .raw for frames of 128×128 values.</summary>
    public static byte[] Raw(IReadOnlyList<float[]> frames)
    {
        var raw = new byte[frames.Count * 130 * 128 * 4];
        for (int f = 0; f < frames.Count; f++)
        {
            for (int i = 0; i < 130 * 128; i++)
            {
                float v = i < 128 * 128 ? frames[f][i] : i % 3 == 0 ? float.NaN : -1e30f;
                BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan((((f * 130 * 128) + i) * 4)), v);
            }
        }

        return raw;
    }

    /// <summary>
    /// The .xml: raw file name and, unless null, an acquire-mode grid (after a different search-mode one). Written
    /// without whitespace between elements, as the detector software does (HyperSpy 1.7 reads nothing else).
    /// </summary>
    public static byte[] Xml(string rawName, int? rows, int? cols, int? seriesCount = null)
    {
        string acquire = rows is null ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $"""<scan_parameters mode="acquire"><scan_resolution_x>{cols}</scan_resolution_x><scan_resolution_y>{rows}</scan_resolution_y></scan_parameters>""");
        string series = seriesCount is null ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $"""<scan_parameters mode="series"><series_count>{seriesCount}</series_count></scan_parameters>""");
        return Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + $"""<root><timestamp isoformat="2020-01-01T12:00:00"/><raw_file filename="{rawName}"/>"""
            + """<scan_parameters mode="search"><scan_resolution_x>256</scan_resolution_x><scan_resolution_y>256</scan_resolution_y></scan_parameters>"""
            + acquire + series + "</root>");
    }
}
