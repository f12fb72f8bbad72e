using System.Buffers;

namespace FastNmf.IO.Empad;

/// <summary>
/// An EMPAD acquisition: a <c>.raw</c> file of little-endian float32 frames of 130 rows × 128 columns, whose last two
/// rows are per-frame metadata and are dropped, leaving 128 × 128 detector pixels; no file header, no padding. The scan
/// grid comes from <see cref="FrameSourceOptions.ScanShape"/>, else from the acquisition's <c>.xml</c>
/// (<see cref="EmpadXml"/>) — given as the path, or found next to the .raw by the file name it records.
/// </summary>
public sealed class EmpadFrameSource : FrameSource
{
    /// <summary>Detector columns.</summary>
    public const int Width = 128;

    /// <summary>Detector rows kept.</summary>
    public const int Height = 128;

    /// <summary>Rows stored per frame, the last two metadata.</summary>
    public const int StoredRows = 130;

    private const int FrameBytes = StoredRows * Width * sizeof(float);
    private const int ChunkFrames = 64;

    private readonly FileByteSource _raw;

    private EmpadFrameSource(string path, FileByteSource raw, ScanShape scan, string? xml)
        : base(path, "empad", "float32", scan.Rows, scan.Cols, Height, Width)
    {
        _raw = raw;
        SetMetadata("raw", raw.Path);
        if (xml is not null)
        {
            SetMetadata("xml", xml);
        }
    }

    /// <summary>Recognises the acquisition .xml (a <c>&lt;root&gt;</c> with a <c>&lt;raw_file&gt;</c>); a bare .raw has no magic.</summary>
    public static bool Sniff(ReadOnlySpan<byte> head, string path) => EmpadXml.Looks(head);

    /// <summary>Opens the acquisition at <paramref name="path"/>: its .xml, or its .raw.</summary>
    /// <exception cref="DataFormatException">a malformed .xml, a missing .raw, a .raw that is not a whole number of 130×128
    /// float32 frames, or a scan grid that does not hold its frames.</exception>
    public static FrameSource Open(string path, FrameSourceOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        EmpadXml? xml = path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) ? EmpadXml.Read(path) : FindXml(path);
        return FileByteSource.OpenWith(xml?.RawPath ?? path, raw =>
        {
            if (raw.Length == 0 || raw.Length % FrameBytes != 0)
            {
                throw new DataFormatException(raw.Path, raw.Length / FrameBytes * FrameBytes,
                    $"{raw.Length} bytes is not a whole number of EMPAD frames of {FrameBytes} bytes (130×128 float32): {raw.Length / FrameBytes} frame(s) and {raw.Length % FrameBytes} bytes over.");
            }

            long frames = raw.Length / FrameBytes;
            // The xml's preferred grid, unless the data has the size of an alternative (the "search" grid).
            ScanShape? stored = null;
            if (xml is { Grids.Count: > 0 })
            {
                stored = xml.Grids.Any(g => g.Frames == frames) ? xml.Grids.First(g => g.Frames == frames) : xml.Grids[0];
            }

            if (xml?.SeriesCount is { } count && count != frames)
            {
                throw new DataFormatException(raw.Path, null, $"{xml.Path} records a series of {count} frames but the raw file holds {frames}.");
            }

            ScanShape scan = ScanShape.Resolve(raw.Path, frames, stored, options);
            return new EmpadFrameSource(raw.Path, raw, scan, xml?.Path);
        });
    }

    // The .xml in the .raw's directory that names this .raw, if exactly one does.
    private static EmpadXml? FindXml(string raw)
    {
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(raw)) ?? ".";
        if (!Directory.Exists(directory))
        {
            return null;
        }

        string name = System.IO.Path.GetFileName(raw);
        EmpadXml[] matches = Directory.GetFiles(directory, "*.xml")
            .Select(TryRead)
            .Where(x => x is not null && string.Equals(System.IO.Path.GetFileName(x.RawPath), name, StringComparison.Ordinal))
            .ToArray()!;
        return matches.Length == 1 ? matches[0] : null;
    }

    private static EmpadXml? TryRead(string xml)
    {
        try
        {
            return EmpadXml.Read(xml);
        }
        catch (DataFormatException)
        {
            return null; // another program's xml: not ours to judge
        }
    }

    /// <inheritdoc/>
    protected override void ReadFramesCore(long first, int count, Span<float> destination)
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(Math.Min(count, ChunkFrames) * FrameBytes);
        try
        {
            for (int done = 0; done < count;)
            {
                int n = Math.Min(ChunkFrames, count - done);
                Span<byte> bytes = chunk.AsSpan(0, n * FrameBytes);
                _raw.ReadExactly((first + done) * FrameBytes, bytes, $"frame {first + done}");
                for (int i = 0; i < n; i++)
                {
                    // Rows 128 and 129 of each stored frame are metadata: only the first 128 rows are pixels.
                    Span<byte> pixels = bytes.Slice(i * FrameBytes, Height * Width * sizeof(float));
                    if (!BitConverter.IsLittleEndian)
                    {
                        ElementConversion.ReverseEndianness(pixels, sizeof(float));
                    }

                    ElementConversion.ToFloat32(pixels, destination.Slice((done + i) * FrameLength, FrameLength), NpyDtype.Float32);
                }

                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _raw.Dispose();
        }
    }
}
