namespace FastNmf.Data;

/// <summary>
/// How a detector frame maps onto a row of X and back: the detector's shape, the pixels kept (row-major detector
/// indices, ascending; masked pixels are dropped from X and refold as 0) and the pattern centre about which [·]_W's polar
/// transform runs. X, a factorization's result and a fitted model each carry the map they were made with, so a frame is
/// always unfolded the way its W expects. Immutable; thread-safe.
/// </summary>
public sealed class PixelMap
{
    private readonly int[] _kept;
    private readonly bool[] _masked;

    private PixelMap(int detRows, int detCols, int[] kept, bool[] masked, double centreRow, double centreCol)
    {
        DetRows = detRows;
        DetCols = detCols;
        _kept = kept;
        _masked = masked;
        CentreRow = centreRow;
        CentreCol = centreCol;
    }

    /// <summary>Detector rows.</summary>
    public int DetRows { get; }

    /// <summary>Detector columns.</summary>
    public int DetCols { get; }

    /// <summary>Pixels per detector frame.</summary>
    public int DetectorPixels => DetRows * DetCols;

    /// <summary>n_uv: pixels kept, the length of a row of X and of a diffraction in W.</summary>
    public int KeptCount => _kept.Length;

    /// <summary>Detector index (row-major) of each kept pixel, ascending.</summary>
    public ReadOnlySpan<int> KeptPixels => _kept;

    /// <summary>True where a detector pixel is excluded.</summary>
    public ReadOnlySpan<bool> Masked => _masked;

    /// <summary>Excluded pixels.</summary>
    public int MaskedCount => DetectorPixels - KeptCount;

    /// <summary>True when every detector pixel is kept (X's rows are whole frames).</summary>
    public bool KeepsAll => KeptCount == DetectorPixels;

    /// <summary>Pattern centre, detector row (pixel index; the detector centre <c>DetRows / 2</c> unless set).</summary>
    public double CentreRow { get; }

    /// <summary>Pattern centre, detector column.</summary>
    public double CentreCol { get; }

    /// <summary>The map of a <paramref name="detRows"/> × <paramref name="detCols"/> detector without the pixels
    /// <paramref name="mask"/> excludes (none when null), centred at the detector centre.</summary>
    /// <exception cref="ArgumentException">the mask does not match the detector.</exception>
    public static PixelMap Create(int detRows, int detCols, DetectorMask? mask = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(detRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(detCols, 1);
        if (mask is not null && (mask.DetRows != detRows || mask.DetCols != detCols))
        {
            throw new ArgumentException($"mask is {mask.DetRows}×{mask.DetCols} but the detector is {detRows}×{detCols}.", nameof(mask));
        }

        int n = checked(detRows * detCols);
        bool[] masked = mask is null ? new bool[n] : mask.Masked.ToArray();
        return FromMasked(detRows, detCols, masked, detRows / 2.0, detCols / 2.0);
    }

    /// <summary>The same map with the pattern centre at (<paramref name="row"/>, <paramref name="col"/>).</summary>
    public PixelMap WithCentre(double row, double col) => new(DetRows, DetCols, _kept, _masked, row, col);

    /// <summary>True when <paramref name="other"/> unfolds frames the same way (shape and kept pixels; the centre aside).</summary>
    public bool SameGeometry(PixelMap other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.DetRows == DetRows && other.DetCols == DetCols && other.KeptPixels.SequenceEqual(KeptPixels);
    }

    /// <summary>The mask as a <see cref="DetectorMask"/>, or null when nothing is masked.</summary>
    public DetectorMask? ToMask() => KeepsAll ? null : new DetectorMask(_masked, DetRows, DetCols);

    /// <summary>Writes a row of X (kept pixels) into a detector image, masked pixels 0.</summary>
    public void Scatter(ReadOnlySpan<float> row, Span<float> image)
    {
        image.Clear();
        for (int u = 0; u < _kept.Length; u++)
        {
            image[_kept[u]] = row[u];
        }
    }

    /// <summary>Reads the kept pixels of a detector image into a row of X.</summary>
    public void Gather(ReadOnlySpan<float> image, Span<float> row)
    {
        for (int u = 0; u < _kept.Length; u++)
        {
            row[u] = image[_kept[u]];
        }
    }

    /// <summary>Scatters <paramref name="count"/> rows of <see cref="KeptCount"/> values back to full detector images.</summary>
    /// <exception cref="ArgumentException"><paramref name="rows"/> is not count × KeptCount long.</exception>
    public float[] Refold(ReadOnlySpan<float> rows, int count)
    {
        if (rows.Length != (long)count * KeptCount)
        {
            throw new ArgumentException($"{count} diffractions of {KeptCount} kept pixels need {(long)count * KeptCount} values, got {rows.Length}.", nameof(rows));
        }

        var images = new float[(long)count * DetectorPixels];
        for (int c = 0; c < count; c++)
        {
            Scatter(rows.Slice(c * KeptCount, KeptCount), images.AsSpan(c * DetectorPixels, DetectorPixels));
        }

        return images;
    }

    /// <summary>The kept pixels of <paramref name="count"/> detector images (the inverse of <see cref="Refold"/>).</summary>
    public float[] Unfold(ReadOnlySpan<float> images, int count)
    {
        if (images.Length != (long)count * DetectorPixels)
        {
            throw new ArgumentException($"{count} detector images of {DetectorPixels} pixels need {(long)count * DetectorPixels} values, got {images.Length}.", nameof(images));
        }

        var rows = new float[(long)count * KeptCount];
        for (int c = 0; c < count; c++)
        {
            Gather(images.Slice(c * DetectorPixels, DetectorPixels), rows.AsSpan(c * KeptCount, KeptCount));
        }

        return rows;
    }

    /// <summary>The map from a mask array (true = excluded) and a centre.</summary>
    /// <exception cref="ArgumentException">wrong length, or every pixel excluded.</exception>
    public static PixelMap FromMasked(int detRows, int detCols, ReadOnlySpan<bool> masked, double centreRow, double centreCol)
    {
        if (masked.Length != (long)detRows * detCols)
        {
            throw new ArgumentException($"a {detRows}×{detCols} detector needs {(long)detRows * detCols} mask flags, got {masked.Length}.", nameof(masked));
        }

        var kept = new List<int>(masked.Length);
        for (int i = 0; i < masked.Length; i++)
        {
            if (!masked[i])
            {
                kept.Add(i);
            }
        }

        if (kept.Count == 0)
        {
            throw new ArgumentException("the mask hides every detector pixel; nothing is left to factorize.", nameof(masked));
        }

        return new PixelMap(detRows, detCols, kept.ToArray(), masked.ToArray(), centreRow, centreCol);
    }
}
