using System.Globalization;

namespace FastNmf.IO;

/// <summary>
/// The scan grid of a 4D-STEM acquisition, <c>Rows × Cols</c> probe positions in row-major (raster) order, as written
/// on the command line: <c>ROWSxCOLS</c>, e.g. <c>36x36</c>.
/// </summary>
/// <param name="Rows">Scan rows (≥ 1).</param>
/// <param name="Cols">Scan columns (≥ 1).</param>
public readonly record struct ScanShape(int Rows, int Cols)
{
    /// <summary>Number of frames the grid holds, <c>Rows × Cols</c>.</summary>
    public long Frames => (long)Rows * Cols;

    /// <summary>Parses <c>ROWSxCOLS</c> (also <c>ROWS×COLS</c> or <c>ROWS,COLS</c>), both positive integers.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not two positive integers joined by x, × or a comma.</exception>
    public static ScanShape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().ToLowerInvariant().Split(['x', '×', ','], StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int rows)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int cols)
            && rows > 0 && cols > 0)
        {
            return new ScanShape(rows, cols);
        }

        throw new FormatException($"'{text}' is not a scan shape ROWSxCOLS of two positive integers, e.g. 36x36.");
    }

    /// <summary>The shape as <c>ROWSxCOLS</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Rows}x{Cols}");

    /// <summary>
    /// The scan shape a reader presents for a file of <paramref name="frames"/> frames: the requested one
    /// (<see cref="FrameSourceOptions.ScanShape"/>) if any — it must hold exactly that many frames, and may re-grid a
    /// shape the file stores (frame order is kept) — else the one the file stores, else an error asking for
    /// <c>--scan-shape</c>.
    /// </summary>
    /// <param name="path">The file, for messages.</param>
    /// <param name="frames">Frames in the file.</param>
    /// <param name="stored">The shape the file records, or null.</param>
    /// <param name="options">The caller's options.</param>
    /// <exception cref="DataFormatException">the counts disagree, or no shape is known.</exception>
    public static ScanShape Resolve(string path, long frames, ScanShape? stored, FrameSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ScanShape is { } given)
        {
            if (given.Frames != frames)
            {
                string source = stored is { } s ? $"the file holds {frames} frames ({s})" : $"the file holds {frames} frames";
                throw new DataFormatException(path, null,
                    $"--scan-shape {given} needs {given.Frames} frames but {source}{Hint(frames)}.");
            }

            return given;
        }

        if (stored is { } known)
        {
            if (known.Frames != frames)
            {
                throw new DataFormatException(path, null,
                    $"the file's scan shape {known} needs {known.Frames} frames but it holds {frames}; give the right one with --scan-shape ROWSxCOLS{Hint(frames)}.");
            }

            return known;
        }

        throw new DataFormatException(path, null,
            $"{frames} frames and no scan shape in the file; give it with --scan-shape ROWSxCOLS{Hint(frames)}.");
    }

    // A square grid is the common case; suggest it rather than guess it.
    private static string Hint(long frames)
    {
        long side = (long)Math.Round(Math.Sqrt(frames));
        return side > 1 && side * side == frames ? $" (a square scan would be --scan-shape {side}x{side})" : string.Empty;
    }
}
