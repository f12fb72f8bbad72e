using System.Globalization;
using System.Text;

namespace FastNmf.IO.Mib;

/// <summary>
/// The acquisition header (<c>.hdr</c>) Merlin writes next to the <c>.mib</c> files: text lines <c>Key:\tValue</c>
/// between a first line <c>HDR,</c> and a last line <c>End</c>. FastNmf takes the scan grid from it: <c>ScanY</c> ×
/// <c>ScanX</c> where present, else <c>Frames in Acquisition (Number)</c> / <c>Frames per Trigger (Number)</c> rows of
/// <c>Frames per Trigger</c> columns (one trigger per scan line) when both are above 1.
/// </summary>
internal sealed class MibHdr
{
    private readonly Dictionary<string, (string Value, long Offset)> _entries;

    private MibHdr(string path, Dictionary<string, (string Value, long Offset)> entries)
    {
        Path = path;
        _entries = entries;
    }

    /// <summary>The .hdr file.</summary>
    public string Path { get; }

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">it does not start with <c>HDR</c>.</exception>
    public static MibHdr Read(string path)
    {
        byte[] bytes;
        using (FileByteSource file = FileByteSource.Open(path))
        {
            if (file.Length > 1 << 20)
            {
                throw new DataFormatException(path, null, $"{file.Length} bytes is far too long for a Merlin .hdr file.");
            }

            bytes = new byte[file.Length];
            file.ReadExactly(0, bytes, "the header");
        }

        return Parse(bytes, path, 0);
    }

    /// <summary>Parses an acquisition header's bytes (a .hdr file, or the <c>HDR,</c> message of a Merlin data stream
    /// starting at <paramref name="offset"/> of <paramref name="origin"/>).</summary>
    /// <exception cref="DataFormatException">it does not start with <c>HDR</c>.</exception>
    public static MibHdr Parse(ReadOnlySpan<byte> bytes, string origin, long offset)
    {
        string text = Encoding.Latin1.GetString(bytes);
        if (!text.StartsWith("HDR", StringComparison.Ordinal))
        {
            throw new DataFormatException(origin, offset, "not a Merlin acquisition header: it does not start with 'HDR'.");
        }

        var entries = new Dictionary<string, (string, long)>(StringComparer.Ordinal);
        long at = offset;
        foreach (string line in text.Split('\n'))
        {
            int tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0)
            {
                entries[line[..tab].TrimEnd(':', ' ')] = (line[(tab + 1)..].Trim(), at);
            }

            at += line.Length + 1;
        }

        return new MibHdr(origin, entries);
    }

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public string? this[string key] => _entries.TryGetValue(key, out var e) ? e.Value : null;

    /// <summary>The scan grid the header implies, or null when it does not say.</summary>
    /// <exception cref="DataFormatException">a frame count or scan size that is not a positive integer (named with its offset).</exception>
    public ScanShape? ScanShape()
    {
        if (_entries.ContainsKey("ScanX") && _entries.ContainsKey("ScanY"))
        {
            return new ScanShape(Positive("ScanY"), Positive("ScanX"));
        }

        const string Total = "Frames in Acquisition (Number)";
        const string PerTrigger = "Frames per Trigger (Number)";
        if (!_entries.ContainsKey(Total) || !_entries.ContainsKey(PerTrigger))
        {
            return null;
        }

        int frames = Positive(Total);
        int perLine = Positive(PerTrigger);
        return perLine > 1 && frames % perLine == 0 && frames / perLine > 1 ? new ScanShape(frames / perLine, perLine) : null;
    }

    private int Positive(string key)
    {
        (string value, long offset) = _entries[key];
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new DataFormatException(Path, offset, $"'{key}' is '{MibHeader.Printable(value)}', not a positive integer.");
    }
}
