namespace FastNmf.IO;

/// <summary>
/// A 4D-STEM data set that can be read frame by frame: <see cref="ScanRows"/> × <see cref="ScanCols"/> diffractions of
/// <see cref="DetRows"/> × <see cref="DetCols"/> pixels, frames in row-major scan order, pixels row-major. Every file
/// reader of FastNmf is one of these, so a file is converted to float32 exactly once, straight into the data matrix X,
/// and is never held twice in memory (see <see cref="Data.UnfoldedData.Create(FrameSource, Data.DetectorMask?, bool, IProgress{long}?)"/>).
/// The same shape serves a detector that delivers frames as they are recorded, and one MPI rank's block of scan rows.
/// </summary>
/// <remarks>
/// Implementations read in <see cref="ReadFramesCore"/>; the public <see cref="ReadFrames"/> checks the range and the
/// destination once. A reader reports a malformed or truncated file with a <see cref="DataFormatException"/> naming
/// the file and the byte offset. A source is used by one thread at a time.
/// </remarks>
public abstract class FrameSource : IDisposable
{
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Creates a source of the given shape.</summary>
    /// <param name="path">The file (or other origin) as the user named it; used in every error message.</param>
    /// <param name="format">Short format name, e.g. <c>npy</c>, <c>mib</c>.</param>
    /// <param name="sourceDtype">Element type as stored, e.g. <c>uint16</c>; values are converted from it to float32.</param>
    /// <param name="scanRows">Scan rows.</param>
    /// <param name="scanCols">Scan columns.</param>
    /// <param name="detRows">Detector rows.</param>
    /// <param name="detCols">Detector columns.</param>
    /// <exception cref="DataFormatException">a dimension below 1, or a frame larger than one span can hold.</exception>
    protected FrameSource(string path, string format, string sourceDtype, int scanRows, int scanCols, int detRows, int detCols)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(sourceDtype);
        if (scanRows < 1 || scanCols < 1 || detRows < 1 || detCols < 1)
        {
            throw new DataFormatException(path, null, $"shape ({scanRows}, {scanCols}, {detRows}, {detCols}) has an empty dimension.");
        }

        if ((long)detRows * detCols > Array.MaxLength)
        {
            throw new DataFormatException(path, null, $"a {detRows}×{detCols} frame is larger than one array can hold.");
        }

        Path = path;
        Format = format;
        SourceDtype = sourceDtype;
        ScanRows = scanRows;
        ScanCols = scanCols;
        DetRows = detRows;
        DetCols = detCols;
    }

    /// <summary>The file (or other origin) as the user named it.</summary>
    public string Path { get; }

    /// <summary>Short format name, e.g. <c>npy</c>.</summary>
    public string Format { get; }

    /// <summary>The element type as stored; values are converted from it to float32.</summary>
    public string SourceDtype { get; }

    /// <summary>Scan rows (y).</summary>
    public int ScanRows { get; }

    /// <summary>Scan columns (x).</summary>
    public int ScanCols { get; }

    /// <summary>Detector rows (v).</summary>
    public int DetRows { get; }

    /// <summary>Detector columns (u).</summary>
    public int DetCols { get; }

    /// <summary>Whether <see cref="ReadFrames"/> reaches a range of frames without decoding the frames before it (false for
    /// a deflated <c>.npz</c> member, which decompresses from its start): what lets each rank of a distributed run read
    /// only its slab.</summary>
    public virtual bool ReadsRangesInPlace => true;

    /// <summary>Number of frames, <c>ScanRows × ScanCols</c>.</summary>
    public long FrameCount => (long)ScanRows * ScanCols;

    /// <summary>Pixels per frame, <c>DetRows × DetCols</c>.</summary>
    public int FrameLength => DetRows * DetCols;

    /// <summary>The shape as <c>(scan_rows, scan_cols, det_rows, det_cols)</c>.</summary>
    public long[] Shape => [ScanRows, ScanCols, DetRows, DetCols];

    /// <summary>What the reader learnt about the file (format version, header fields, layout), for provenance records.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _metadata;

    /// <summary>
    /// Reads frames <c>[first, first + count)</c> as float32 into <paramref name="destination"/>, frame after frame,
    /// each <see cref="FrameLength"/> values.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">the range is outside the data set.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <c>count × FrameLength</c>.</exception>
    /// <exception cref="DataFormatException">the file is malformed or truncated where these frames are stored.</exception>
    public void ReadFrames(long first, int count, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (first + count > FrameCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"frames [{first}, {first + count}) exceed the {FrameCount} frames of {Path}.");
        }

        long needed = (long)count * FrameLength;
        if (destination.Length < needed)
        {
            throw new ArgumentException($"{count} frames need {needed} values, the destination holds {destination.Length}.", nameof(destination));
        }

        if (count > 0)
        {
            ReadFramesCore(first, count, destination[..(int)needed]);
        }
    }

    /// <summary>Reads frames <c>[first, first + count)</c>; the range and the destination's length are already checked.</summary>
    protected abstract void ReadFramesCore(long first, int count, Span<float> destination);

    /// <summary>
    /// Detector pixels the file itself flags as unusable (true = exclude), e.g. a DECTRIS master file's
    /// <c>pixel_mask</c> (module gaps, dead and noisy pixels, which hold 2ⁿ − 1 in every frame); null where the format
    /// records none. The runner excludes them; a library caller passes them into its <see cref="Data.DetectorMask"/>.
    /// </summary>
    public bool[]? StoredPixelMask { get; private set; }

    /// <summary>Sets <see cref="StoredPixelMask"/> (one flag per detector pixel, row-major).</summary>
    /// <exception cref="DataFormatException">the mask does not have one flag per detector pixel.</exception>
    protected void SetStoredPixelMask(bool[] mask, string origin)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Length != FrameLength)
        {
            throw new DataFormatException(Path, null, $"{origin} has {mask.Length} pixels, the frames {DetRows}×{DetCols}.");
        }

        StoredPixelMask = mask;
    }

    /// <summary>Records one provenance entry (see <see cref="Metadata"/>).</summary>
    protected void SetMetadata(string key, string value) => _metadata[key] = value;

    /// <summary>Describes an element by its 4-D index, e.g. <c>(3, 4, 10, 12)</c>, for error messages: in the
    /// coordinates of the data the user gave (a window of another source names the element there).</summary>
    public virtual string DescribeElement(long frame, int pixel) =>
        $"({frame / ScanCols}, {frame % ScanCols}, {pixel / DetCols}, {pixel % DetCols})";

    /// <summary>Releases the file.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Dispose(true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the file (<paramref name="disposing"/>: called from <see cref="Dispose()"/>).</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
