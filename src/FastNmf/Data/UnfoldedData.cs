using FastNmf.Distributed;
using FastNmf.IO;
using FastNmf.Memory;
using FastNmf.Storage;

namespace FastNmf.Data;

/// <summary>
/// The data matrix X of the paper (n_uv × n_xy, one diffraction per column) as read: frame-major — each diffraction
/// contiguous, which is X transposed in row-major terms — with masked detector pixels dropped (<see cref="Pixels"/>),
/// held as float32 or, for counted electrons, as uint16 only (2 bytes per value; possibly the input file itself,
/// memory-mapped). <see cref="Slab"/> says which scan rows these are: the whole scan, or one rank's slab of a
/// distributed run. Read it with <see cref="XReader"/> (or the <c>Create</c> shortcuts). Owns unmanaged memory unless it
/// is a view (<see cref="SlabView"/>): dispose it.
/// </summary>
public sealed class UnfoldedData : IDisposable
{
    private readonly IDisposable? _owner;
    private readonly MatrixView _frames;
    private readonly UInt16Frames? _counts;
    private XStatistics? _statistics;

    internal UnfoldedData(MatrixView frames, UInt16Frames? counts, IDisposable? owner, PixelMap pixels, ScanSlab slab)
    {
        slab.Validate();
        _frames = frames;
        _counts = counts;
        _owner = owner;
        Pixels = pixels;
        Slab = slab;
    }

    /// <summary>How frames map onto X's rows (detector shape, kept pixels, centre).</summary>
    public PixelMap Pixels { get; }

    /// <summary>The scan rows held here, within the whole scan.</summary>
    public ScanSlab Slab { get; }

    /// <summary>Scan rows held here (the whole scan's rows unless this is a slab).</summary>
    public int ScanRows => Slab.Rows;

    /// <summary>Scan columns.</summary>
    public int ScanCols => Slab.ScanCols;

    /// <summary>Detector rows.</summary>
    public int DetRows => Pixels.DetRows;

    /// <summary>Detector columns.</summary>
    public int DetCols => Pixels.DetCols;

    /// <summary>n_xy here: columns of X (scan positions) held by this X.</summary>
    public int NXy => Slab.Frames;

    /// <summary>Rows of X: the unmasked detector pixels.</summary>
    public int NUv => Pixels.KeptCount;

    /// <summary>Detector index (row-major) of each row of X.</summary>
    public ReadOnlySpan<int> KeptPixels => Pixels.KeptPixels;

    /// <summary>Statistics of this X (of its own frames; a distributed run combines the ranks' through its communicator).</summary>
    public XStatistics Statistics => _statistics ??= XStatistics.Compute(this, Communicator.Single);

    /// <summary>‖X‖²_F, exact to double rounding (see <see cref="XStatistics"/>).</summary>
    public double SumOfSquares => Statistics.SumOfSquares;

    /// <summary>Mean of X.</summary>
    public double Mean => Statistics.Mean;

    /// <summary>How many values of X are nonzero (for the choice of sparse storage).</summary>
    internal long NonZeros => Statistics.NonZeros;

    /// <summary>True when every value is an integer in [0, 65 535] — counted electrons, which uint16 holds exactly.</summary>
    internal bool IsCounts => Statistics.IsCounts;

    /// <summary>Row stride of the frame-major storage in elements: a multiple of 16 floats (64 bytes) for float32 X, of 32
    /// values for uint16 X, or the frame length of a mapped file.</summary>
    internal long Stride => _counts?.Stride ?? _frames.Stride;

    /// <summary>Whether X is held as uint16 counts only: there is no float32 copy, so only uint16 or sparse storage can
    /// factorize it and <see cref="Column"/> is unavailable (use <see cref="CopyColumn"/>).</summary>
    public bool IsUInt16 => _counts is not null;

    /// <summary>Whether X is the input file itself, memory-mapped.</summary>
    public bool IsMapped { get; internal init; }

    /// <summary>How many negative values were set to 0 while reading.</summary>
    public long ClippedValues { get; internal init; }

    /// <summary>X as uint16, when it is held that way.</summary>
    internal UInt16Frames? Counts => _counts;

    /// <summary>X as an <c>n_xy × n_uv</c> row-major view (frame per row).</summary>
    internal MatrixView Frames => _counts is null ? _frames
        : throw new InvalidOperationException("X is held as uint16 counts only (UnfoldedData.CreateCounts); it has no float32 copy.");

    /// <summary>Unfolds <paramref name="data"/> into X, dropping the pixels <paramref name="mask"/> excludes.</summary>
    /// <remarks>Values are taken as they are (no finiteness check); use the <see cref="FrameSource"/> overload to check them.</remarks>
    /// <exception cref="ArgumentException">the mask does not match the detector.</exception>
    public static UnfoldedData Create(Dataset4D data, DetectorMask? mask = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var source = new ArrayFrameSource(data);
        return XReader.ReadFloat32(source, mask, check: false, clipNegative: false, progress: null);
    }

    /// <summary>
    /// Reads every frame of <paramref name="source"/> once, in blocks, converting to float32 straight into X and dropping
    /// the pixels <paramref name="mask"/> excludes, so the file is never held twice. Every value must be finite and
    /// non-negative (counted electrons cannot be negative); with <paramref name="clipNegative"/>, negative values are set
    /// to 0 and counted in <see cref="ClippedValues"/> instead.
    /// </summary>
    /// <exception cref="ArgumentException">the mask does not match the detector.</exception>
    /// <exception cref="DataFormatException">a NaN or infinity, or a negative value without clipping (the message names the
    /// file and the element as (scan row, scan col, det row, det col)); or the reader found the file malformed.</exception>
    public static UnfoldedData Create(FrameSource source, DetectorMask? mask = null, bool clipNegative = false, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return XReader.ReadFloat32(source, mask, check: true, clipNegative, progress);
    }

    /// <summary>
    /// Reads every frame of <paramref name="source"/> once straight into uint16 X — 2 bytes per value, never a float32
    /// copy — for counted electrons (see <see cref="XReader.ReadCounts"/>).
    /// </summary>
    /// <exception cref="ArgumentException">the mask does not match the detector.</exception>
    /// <exception cref="DataFormatException">a value that is not a count (named by element), or the reader found the file malformed.</exception>
    public static UnfoldedData CreateCounts(FrameSource source, DetectorMask? mask = null, bool clipNegative = false, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return XReader.ReadCounts(source, mask, clipNegative, progress);
    }

    /// <summary>
    /// A view of scan rows [<paramref name="firstRow"/>, firstRow + <paramref name="rows"/>) of this X as the slab one rank
    /// of a distributed run holds (no copy; this X must outlive it). For tests of the distributed algorithm in one
    /// process and for programs that hold the whole scan but factorize it on several ranks.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">the rows are not inside this X.</exception>
    public UnfoldedData SlabView(int firstRow, int rows)
    {
        if (firstRow < 0 || rows < 1 || firstRow + rows > ScanRows)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"scan rows [{firstRow}, {firstRow + rows}) are not inside the {ScanRows} rows held here.");
        }

        int frame0 = firstRow * ScanCols;
        int frames = rows * ScanCols;
        var slab = new ScanSlab(Slab.ScanRows, Slab.ScanCols, Slab.FirstRow + firstRow, rows);
        return _counts is not null
            ? new UnfoldedData(default, _counts.Slice(frame0, frames), null, Pixels, slab) { IsMapped = IsMapped }
            : new UnfoldedData(_frames.RowSlice(frame0, frames), null, null, Pixels, slab);
    }

    /// <summary>
    /// X of this scan binned <paramref name="factor"/> × <paramref name="factor"/> (each position the sum of the positions
    /// it covers; rows and columns left over at the far edges dropped): uint16 when X holds counts and every sum fits,
    /// float32 otherwise. A new X in memory of its own (dispose it); this X is only read.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">a factor below 2, or larger than the scan.</exception>
    /// <exception cref="ArgumentException">this X is one rank's slab, not the whole scan.</exception>
    public UnfoldedData BinScan(int factor) => ScanBinning.Bin(this, factor);

    /// <summary>X's column j (the diffraction at scan position j), masked pixels absent.</summary>
    /// <exception cref="InvalidOperationException">X is held as uint16 (<see cref="IsUInt16"/>): use <see cref="CopyColumn"/>.</exception>
    public ReadOnlySpan<float> Column(int j)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(j);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(j, NXy);
        return Frames.Row(j);
    }

    /// <summary>Copies X's column j into <paramref name="target"/> (<see cref="NUv"/> values), whichever way X is held.</summary>
    public unsafe void CopyColumn(int j, Span<float> target)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(j);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(j, NXy);
        if (_counts is null)
        {
            _frames.Row(j).CopyTo(target);
            return;
        }

        var row = new ReadOnlySpan<ushort>(_counts.Frame(j), NUv);
        for (int u = 0; u < row.Length; u++)
        {
            target[u] = row[u];
        }
    }

    /// <summary>Scatters rows of length <see cref="NUv"/> (k of them) back to full detector images, masked pixels 0.</summary>
    public float[] RefoldDiffractions(ReadOnlySpan<float> rows, int count) => Pixels.Refold(rows, count);

    /// <summary>Refolds X into a 4D data set (masked pixels 0).</summary>
    public Dataset4D Refold()
    {
        int nDet = DetRows * DetCols;
        var data = new float[(long)NXy * nDet];
        var column = new float[NUv];
        for (int j = 0; j < NXy; j++)
        {
            CopyColumn(j, column);
            Pixels.Scatter(column, data.AsSpan(j * nDet, nDet));
        }

        return new Dataset4D(data, ScanRows, ScanCols, DetRows, DetCols);
    }

    /// <summary>Frees X (or unmaps the file); a view frees nothing.</summary>
    public void Dispose()
    {
        _owner?.Dispose();
        _counts?.Dispose();
    }
}
