using System.Globalization;

namespace FastNmf.IO.Preprocessing;

/// <summary>
/// A rectangle of rows [<see cref="Row"/>, <see cref="Row"/> + <see cref="Rows"/>) and columns [<see cref="Col"/>,
/// <see cref="Col"/> + <see cref="Cols"/>), written like a NumPy slice pair: <c>ROW0:ROW1,COL0:COL1</c>, half-open,
/// either bound of a pair may be left out (<c>:</c> is the whole axis, <c>10:</c> from row 10 on).
/// </summary>
/// <param name="Row">First row.</param>
/// <param name="Col">First column.</param>
/// <param name="Rows">Number of rows.</param>
/// <param name="Cols">Number of columns.</param>
public readonly record struct CropWindow(int Row, int Col, int Rows, int Cols)
{
    /// <summary>Parses <c>ROW0:ROW1,COL0:COL1</c> against an image of <paramref name="rows"/> × <paramref name="cols"/>.</summary>
    /// <exception cref="FormatException">not two slices, a bound that is not a non-negative integer, or an empty or
    /// out-of-range window (the message says which).</exception>
    public static CropWindow Parse(string text, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] pair = text.Split(',', StringSplitOptions.TrimEntries);
        if (pair.Length != 2)
        {
            throw new FormatException($"'{text}' is not ROW0:ROW1,COL0:COL1 (e.g. 10:50,0:64).");
        }

        (int r0, int r1) = Slice(pair[0], rows, text, "row");
        (int c0, int c1) = Slice(pair[1], cols, text, "column");
        return new CropWindow(r0, c0, r1 - r0, c1 - c0);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Row}:{Row + Rows},{Col}:{Col + Cols}");

    private static (int Start, int End) Slice(string part, int length, string text, string axis)
    {
        string[] bounds = part.Split(':', StringSplitOptions.TrimEntries);
        if (bounds.Length != 2)
        {
            throw new FormatException($"'{text}': the {axis} range '{part}' is not START:END.");
        }

        int start = Bound(bounds[0], 0, text);
        int end = Bound(bounds[1], length, text);
        if (start >= end || end > length)
        {
            throw new FormatException($"'{text}': the {axis} range {start}:{end} is empty or outside 0:{length}.");
        }

        return (start, end);
    }

    private static int Bound(string s, int fallback, string text) =>
        s.Length == 0 ? fallback
        : int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v
        : throw new FormatException($"'{text}': '{s}' is not a non-negative integer.");
}
