namespace FastNmf.Data;

/// <summary>
/// A 4D-STEM data set I(x, y, u, v) held as float32 in C order with shape
/// <c>(ScanRows, ScanCols, DetRows, DetCols)</c>: one diffraction (frame) per scan position, scan positions in
/// row-major order.
/// </summary>
public sealed class Dataset4D
{
    /// <summary>Wraps <paramref name="data"/> (not copied).</summary>
    /// <exception cref="ArgumentException">a dimension below 1, or a length that is not the product of the dimensions.</exception>
    public Dataset4D(float[] data, int scanRows, int scanCols, int detRows, int detCols)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (scanRows < 1 || scanCols < 1 || detRows < 1 || detCols < 1)
        {
            throw new ArgumentException($"every dimension must be at least 1, got ({scanRows}, {scanCols}, {detRows}, {detCols}).");
        }

        long expected = (long)scanRows * scanCols * detRows * detCols;
        if (data.LongLength != expected)
        {
            throw new ArgumentException($"shape ({scanRows}, {scanCols}, {detRows}, {detCols}) needs {expected} values, got {data.LongLength}.", nameof(data));
        }

        Data = data;
        ScanRows = scanRows;
        ScanCols = scanCols;
        DetRows = detRows;
        DetCols = detCols;
    }

    /// <summary>The values, C order (scan row, scan col, detector row, detector col).</summary>
    public float[] Data { get; }

    /// <summary>Number of scan rows (y).</summary>
    public int ScanRows { get; }

    /// <summary>Number of scan columns (x).</summary>
    public int ScanCols { get; }

    /// <summary>Detector rows (v).</summary>
    public int DetRows { get; }

    /// <summary>Detector columns (u).</summary>
    public int DetCols { get; }

    /// <summary>n_xy: number of scan positions (columns of X).</summary>
    public int NXy => ScanRows * ScanCols;

    /// <summary>n_uv: number of detector pixels (rows of X before masking).</summary>
    public int NUv => DetRows * DetCols;

    /// <summary>The diffraction recorded at one scan position.</summary>
    public ReadOnlySpan<float> Frame(int scanRow, int scanCol)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(scanRow);
        ArgumentOutOfRangeException.ThrowIfNegative(scanCol);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(scanRow, ScanRows);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(scanCol, ScanCols);
        return Data.AsSpan(((scanRow * ScanCols) + scanCol) * NUv, NUv);
    }

    /// <summary>
    /// Checks that every value is finite and non-negative (counted electrons cannot be negative). With
    /// <paramref name="clipNegative"/>, negative values are set to 0 in place and counted instead of rejected.
    /// </summary>
    /// <returns>The number of values clipped.</returns>
    /// <exception cref="InvalidDataException">a NaN or infinity, or a negative value without clipping; the message names the element.</exception>
    public long ValidateValues(bool clipNegative)
    {
        long clipped = 0;
        float[] d = Data;
        for (long i = 0; i < d.LongLength; i++)
        {
            float v = d[i];
            if (!float.IsFinite(v))
            {
                throw new InvalidDataException($"element {Describe(i)} is {v}; the data must be finite.");
            }

            if (v < 0)
            {
                if (!clipNegative)
                {
                    throw new InvalidDataException($"element {Describe(i)} is negative ({v}); use --clip-negative to set negative values to 0.");
                }

                d[i] = 0;
                clipped++;
            }
        }

        return clipped;
    }

    private string Describe(long flat)
    {
        long v = flat % DetCols;
        long u = flat / DetCols % DetRows;
        long x = flat / NUv % ScanCols;
        long y = flat / NUv / ScanCols;
        return $"({y}, {x}, {u}, {v})";
    }
}
