using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace FastNmf.IO.Empad;

/// <summary>
/// The <c>.xml</c> an EMPAD acquisition writes next to its <c>.raw</c>: a <c>&lt;root&gt;</c> element holding
/// <c>&lt;raw_file filename="…"/&gt;</c> and the scan grid, read in this order of preference: <c>&lt;pix_y&gt;</c> ×
/// <c>&lt;pix_x&gt;</c>; <c>&lt;scan_parameters mode="acquire"&gt;</c> with <c>&lt;scan_resolution_y&gt;</c> ×
/// <c>&lt;scan_resolution_x&gt;</c> (x is the fast, column axis); and, when the raw file's size does not match that,
/// the <c>mode="search"</c> grid (some acquisitions record the data under it). A <c>&lt;series_count&gt;</c> (or
/// <c>&lt;type&gt;series&lt;/type&gt;</c> with <c>&lt;count&gt;</c>) is a stack of frames without a grid.
/// </summary>
internal sealed class EmpadXml
{
    private EmpadXml(string path, string rawPath, IReadOnlyList<ScanShape> grids, long? seriesCount)
    {
        Path = path;
        RawPath = rawPath;
        Grids = grids;
        SeriesCount = seriesCount;
    }

    /// <summary>The .xml file.</summary>
    public string Path { get; }

    /// <summary>The raw data file it names, in the xml's directory.</summary>
    public string RawPath { get; }

    /// <summary>Candidate scan grids, preferred first.</summary>
    public IReadOnlyList<ScanShape> Grids { get; }

    /// <summary>The frame count of a series acquisition, or null.</summary>
    public long? SeriesCount { get; }

    /// <summary>Whether <paramref name="head"/> (the start of a file) looks like an EMPAD .xml.</summary>
    public static bool Looks(ReadOnlySpan<byte> head) =>
        head.IndexOf("<raw_file"u8) >= 0 && head.IndexOf("<root"u8) >= 0;

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">not well-formed XML, no <c>raw_file</c>, or a scan size that is not a positive integer.</exception>
    public static EmpadXml Read(string path)
    {
        XElement root;
        try
        {
            using FileStream stream = ByteSource.OpenRead(path);
            if (stream.Length > 16 << 20)
            {
                throw new DataFormatException(path, null, $"{stream.Length} bytes is far too long for an EMPAD .xml file.");
            }

            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(stream, settings);
            root = XElement.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new DataFormatException(path, null, $"not well-formed XML (line {e.LineNumber}, column {e.LinePosition}): {e.Message}", e);
        }

        string? rawName = root.Element("raw_file")?.Attribute("filename")?.Value;
        if (string.IsNullOrWhiteSpace(rawName))
        {
            throw new DataFormatException(path, null, "no <raw_file filename=\"…\"/> element: this is not an EMPAD acquisition header.");
        }

        // The recorded name may carry the acquisition computer's directory; the raw file sits next to the xml.
        string rawPath = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path) ?? ".", System.IO.Path.GetFileName(rawName.Replace('\\', '/')));
        var grids = new List<ScanShape>();
        if (root.Element("pix_x") is { } px && root.Element("pix_y") is { } py)
        {
            grids.Add(new ScanShape(Positive(path, py), Positive(path, px)));
        }

        foreach (string mode in new[] { "acquire", "search" })
        {
            XElement? scan = root.Elements("scan_parameters").FirstOrDefault(e => (string?)e.Attribute("mode") == mode);
            if (scan?.Element("scan_resolution_x") is { } sx && scan.Element("scan_resolution_y") is { } sy)
            {
                grids.Add(new ScanShape(Positive(path, sy), Positive(path, sx)));
            }
        }

        XElement? series = root.Elements("scan_parameters").Select(e => e.Element("series_count")).FirstOrDefault(e => e is not null)
            ?? ((string?)root.Element("type") == "series" ? root.Element("count") : null);
        return new EmpadXml(path, rawPath, grids, series is null ? null : Positive(path, series));
    }

    private static int Positive(string path, XElement e) =>
        int.TryParse(e.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new DataFormatException(path, null, $"<{e.Name}> on line {((IXmlLineInfo)e).LineNumber} is '{MibPrintable(e.Value)}', not a positive integer.");

    private static string MibPrintable(string text) => Mib.MibHeader.Printable(text.Trim());
}
