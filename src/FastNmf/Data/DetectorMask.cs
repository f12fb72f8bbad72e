namespace FastNmf.Data;

/// <summary>
/// Detector pixels excluded from the factorization (for example the intense direct beam, which dominates the MSE but
/// carries no structural information). Masked pixels are dropped from X and refold as 0.
/// </summary>
public sealed class DetectorMask
{
    private readonly bool[] _masked;

    /// <summary>A mask from a boolean array (<c>true</c> = excluded), row-major <c>detRows × detCols</c>.</summary>
    /// <exception cref="ArgumentException">wrong length, or every pixel masked.</exception>
    public DetectorMask(bool[] masked, int detRows, int detCols)
    {
        ArgumentNullException.ThrowIfNull(masked);
        if (masked.Length != detRows * detCols)
        {
            throw new ArgumentException($"a {detRows}×{detCols} mask needs {detRows * detCols} values, got {masked.Length}.", nameof(masked));
        }

        _masked = (bool[])masked.Clone();
        DetRows = detRows;
        DetCols = detCols;
        MaskedCount = _masked.Count(m => m);
        if (MaskedCount == _masked.Length)
        {
            throw new ArgumentException("the mask hides every detector pixel; nothing is left to factorize.", nameof(masked));
        }
    }

    /// <summary>Detector rows.</summary>
    public int DetRows { get; }

    /// <summary>Detector columns.</summary>
    public int DetCols { get; }

    /// <summary>Number of masked pixels.</summary>
    public int MaskedCount { get; }

    /// <summary><c>true</c> where a pixel is excluded.</summary>
    public ReadOnlySpan<bool> Masked => _masked;

    /// <summary>A disc of <paramref name="radius"/> pixels about (<paramref name="centreRow"/>, <paramref name="centreCol"/>);
    /// pixel (r, c) is masked when (r − c_r)² + (c − c_c)² ≤ radius².</summary>
    /// <exception cref="ArgumentException">a negative or non-finite radius, or a disc that covers the whole detector.</exception>
    public static DetectorMask DirectBeam(int detRows, int detCols, double centreRow, double centreCol, double radius)
    {
        if (!(radius >= 0) || !double.IsFinite(radius))
        {
            throw new ArgumentException($"mask radius must be a non-negative number, got {radius}.", nameof(radius));
        }

        var m = new bool[detRows * detCols];
        for (int r = 0; r < detRows; r++)
        {
            for (int c = 0; c < detCols; c++)
            {
                double dr = r - centreRow;
                double dc = c - centreCol;
                m[(r * detCols) + c] = (dr * dr) + (dc * dc) <= radius * radius;
            }
        }

        return new DetectorMask(m, detRows, detCols);
    }
}
