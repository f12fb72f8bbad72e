using FastNmf.IO;
using FastNmf.Kernels.Dense;
using FastNmf.Memory;

namespace FastNmf.Data;

/// <summary>
/// The data matrix X of the paper (n_uv × n_xy, one diffraction per column), stored once in frame-major order — each
/// diffraction contiguous, which is X transposed in row-major terms — with masked detector pixels dropped rather than
/// multiplied by zero: as float32 (<see cref="Create(FrameSource, DetectorMask?, bool, IProgress{long}?)"/>), or, for
/// counted electrons, as uint16 only (<see cref="CreateCounts"/>: half the memory, possibly none when the file itself is
/// mapped). Owns unmanaged memory: dispose it.
/// </summary>
public sealed class UnfoldedData : IDisposable
{
    private readonly AlignedBuffer<float>? _frames;
    private readonly UInt16Frames? _counts;
    private readonly int[] _keptPixels;

    private UnfoldedData(AlignedBuffer<float>? frames, UInt16Frames? counts, int[] keptPixels, int scanRows, int scanCols, int detRows, int detCols, long stride, IProgress<long>? progress = null)
    {
        _frames = frames;
        _counts = counts;
        _keptPixels = keptPixels;
        ScanRows = scanRows;
        ScanCols = scanCols;
        DetRows = detRows;
        DetCols = detCols;
        Stride = stride;
        (double sum, SumOfSquares, NonZeros, IsCounts) = counts is null ? Scan() : ScanCounts(progress);
        Mean = sum / ((double)NUv * NXy);
    }

    /// <summary>Scan rows of the source data set.</summary>
    public int ScanRows { get; }

    /// <summary>Scan columns of the source data set.</summary>
    public int ScanCols { get; }

    /// <summary>Detector rows.</summary>
    public int DetRows { get; }

    /// <summary>Detector columns.</summary>
    public int DetCols { get; }

    /// <summary>n_xy: columns of X (scan positions).</summary>
    public int NXy => ScanRows * ScanCols;

    /// <summary>Rows of X: the unmasked detector pixels.</summary>
    public int NUv => _keptPixels.Length;

    /// <summary>Detector index (row-major) of each row of X.</summary>
    public ReadOnlySpan<int> KeptPixels => _keptPixels;

    /// <summary>‖X‖²_F, accumulated in double.</summary>
    public double SumOfSquares { get; }

    /// <summary>Mean of X.</summary>
    public double Mean { get; }

    /// <summary>How many values of X are nonzero (for the choice of sparse storage).</summary>
    internal long NonZeros { get; }

    /// <summary>True when every value is an integer in [0, 65 535] — counted electrons, which uint16 holds exactly.</summary>
    internal bool IsCounts { get; }

    /// <summary>Row stride of the frame-major storage, a multiple of 16 floats (64 bytes) so every frame starts aligned
    /// (for uint16 X a multiple of 32 values, or the frame length of a mapped file).</summary>
    internal long Stride { get; }

    /// <summary>Whether X is held as uint16 counts only (<see cref="CreateCounts"/>): there is no float32 copy, so only
    /// uint16 storage can factorize it and <see cref="Column"/> is unavailable (use <see cref="CopyColumn"/>).</summary>
    public bool IsUInt16 => _counts is not null;

    /// <summary>Whether X is the input file itself, memory-mapped (see <see cref="CreateCounts"/>).</summary>
    public bool IsMapped { get; private init; }

    /// <summary>X as uint16, when it is held that way.</summary>
    internal UInt16Frames? Counts => _counts;

    /// <summary>X as an <c>n_xy × n_uv</c> row-major view (frame per row).</summary>
    internal MatrixView Frames => MatrixView.Over(Float32(), NXy, NUv, Stride);

    /// <summary>Unfolds <paramref name="data"/> into X, dropping the pixels <paramref name="mask"/> excludes.</summary>
    /// <remarks>Values are taken as they are (no finiteness check); use the <see cref="FrameSource"/> overload to check them.</remarks>
    /// <exception cref="ArgumentException">the mask does not match the detector.</exception>
    public static UnfoldedData Create(Dataset4D data, DetectorMask? mask = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var source = new ArrayFrameSource(data);
        return Create(source, mask, check: false, clipNegative: false, progress: null);
    }

    /// <summary>
    /// Reads every frame of <paramref name="source"/> once, in blocks, converting to float32 straight into X and dropping
    /// the pixels <paramref name="mask"/> excludes, so the file is never held twice. Every value must be finite and
    /// non-negative (counted electrons cannot be negative); with <paramref name="clipNegative"/>, negative values are set
    /// to 0 and counted in <see cref="ClippedValues"/> instead.
    /// </summary>
    /// <param name="source">The frames; read from first to last, once.</param>
    /// <param name="mask">Detector pixels to leave out, or null.</param>
    /// <param name="clipNegative">Clip negative values to 0 instead of rejecting them.</param>
    /// <param name="progress">Receives the number of frames read so far after each block.</param>
    /// <exception cref="ArgumentException">the mask does not match the detector.</exception>
    /// <exception cref="DataFormatException">a NaN or infinity, or a negative value without clipping (the message names the
    /// file and the element as (scan row, scan col, det row, det col)); or the reader found the file malformed.</exception>
    public static UnfoldedData Create(FrameSource source, DetectorMask? mask = null, bool clipNegative = false, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Create(source, mask, check: true, clipNegative, progress);
    }

    /// <summary>
    /// Reads every frame of <paramref name="source"/> once straight into uint16 X — 2 bytes per value, never a float32
    /// copy — for counted electrons: every kept value must be an integer in [0, 65 535] (finite, non-negative). When
    /// nothing is masked and the source is a plain little-endian uint16 C-order <c>.npy</c>, X is that file, memory-mapped
    /// read-only (<see cref="IsMapped"/>): no memory is allocated for it, the OS pages frames in as each pass over X needs
    /// them, so a data set larger than RAM can be factorized (at the speed the disk delivers once it no longer fits in
    /// the page cache). Such X factorizes with uint16 storage only.
    /// </summary>
    /// <param name="source">The frames; read once (mapped: scanned once for the sums).</param>
    /// <param name="mask">Detector pixels to leave out, or null.</param>
    /// <param name="clipNegative">Set negative values to 0 (counted in <see cref="ClippedValues"/>) instead of rejecting them;
    /// a mapped file is never clipped (uint16 has no negative values).</param>
    /// <param name="progress">Receives the number of frames read so far.</param>
    /// <exception cref="ArgumentException">the mask does not match the detector.</exception>
    /// <exception cref="DataFormatException">a value that is not a count (named by element), or the reader found the file malformed.</exception>
    public static unsafe UnfoldedData CreateCounts(FrameSource source, DetectorMask? mask = null, bool clipNegative = false, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        int[] kept = KeptPixelsOf(source, mask);
        int nXy = (int)source.FrameCount;
        if (kept.Length == source.FrameLength && source is NpyFrameSource { CanMapCounts: true } npy)
        {
            UInt16Frames mapped = npy.MapCounts();
            try
            {
                return new UnfoldedData(null, mapped, kept, source.ScanRows, source.ScanCols, source.DetRows, source.DetCols, mapped.Stride, progress) { IsMapped = true };
            }
            catch
            {
                mapped.Dispose();
                throw;
            }
        }

        long stride = (kept.Length + 31L) & ~31L;
        var values = new AlignedBuffer<ushort>(Math.Max(1, checked(stride * nXy)), "X as uint16");
        UInt16Frames counts = UInt16Frames.Over(values.Pointer, values, nXy, kept.Length, stride);
        try
        {
            var reader = new FrameBlockReader(source, check: true, clipNegative);
            reader.ReadCounts(values.Pointer, stride, nXy, kept.Length == source.FrameLength ? null : kept, progress);
            return new UnfoldedData(null, counts, kept, source.ScanRows, source.ScanCols, source.DetRows, source.DetCols, stride) { ClippedValues = reader.Clipped };
        }
        catch
        {
            counts.Dispose();
            throw;
        }
    }

    private static UnfoldedData Create(FrameSource source, DetectorMask? mask, bool check, bool clipNegative, IProgress<long>? progress)
    {
        int[] kept = KeptPixelsOf(source, mask);
        int nXy = (int)source.FrameCount;
        long stride = (kept.Length + 15L) & ~15L;
        var frames = new AlignedBuffer<float>(checked(stride * nXy), "X");
        try
        {
            var x = MatrixView.Over(frames, nXy, kept.Length, stride);
            var reader = new FrameBlockReader(source, check, clipNegative);
            reader.ReadInto(x, mask is null ? null : kept, progress);
            return new UnfoldedData(frames, null, kept, source.ScanRows, source.ScanCols, source.DetRows, source.DetCols, stride)
            {
                ClippedValues = reader.Clipped,
            };
        }
        catch
        {
            frames.Dispose();
            throw;
        }
    }

    private static int[] KeptPixelsOf(FrameSource source, DetectorMask? mask)
    {
        if (source.FrameCount > int.MaxValue)
        {
            throw new DataFormatException(source.Path, null, $"{source.FrameCount} frames are more than X can hold as columns.");
        }

        if (mask is not null && (mask.DetRows != source.DetRows || mask.DetCols != source.DetCols))
        {
            throw new ArgumentException($"mask is {mask.DetRows}×{mask.DetCols} but the detector is {source.DetRows}×{source.DetCols}.", nameof(mask));
        }

        int nDet = source.FrameLength;
        return mask is null
            ? Enumerable.Range(0, nDet).ToArray()
            : Enumerable.Range(0, nDet).Where(i => !mask.Masked[i]).ToArray();
    }

    /// <summary>How many negative values were set to 0 while reading (see <see cref="Create(FrameSource, DetectorMask?, bool, IProgress{long}?)"/>).</summary>
    public long ClippedValues { get; private init; }

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
            Frames.Row(j).CopyTo(target);
            return;
        }

        var row = new ReadOnlySpan<ushort>(_counts.Frame(j), NUv);
        for (int u = 0; u < row.Length; u++)
        {
            target[u] = row[u];
        }
    }

    /// <summary>Scatters rows of length <see cref="NUv"/> (k of them) back to full detector images, masked pixels 0.</summary>
    public float[] RefoldDiffractions(ReadOnlySpan<float> rows, int count)
    {
        if (rows.Length != count * NUv)
        {
            throw new ArgumentException($"{count} diffractions of {NUv} kept pixels need {count * NUv} values, got {rows.Length}.", nameof(rows));
        }

        int nDet = DetRows * DetCols;
        var images = new float[count * nDet];
        for (int c = 0; c < count; c++)
        {
            ScatterRow(rows.Slice(c * NUv, NUv), images.AsSpan(c * nDet, nDet));
        }

        return images;
    }

    /// <summary>Refolds X into a 4D data set (masked pixels 0).</summary>
    public Dataset4D Refold()
    {
        int nDet = DetRows * DetCols;
        var data = new float[(long)NXy * nDet];
        var column = new float[NUv];
        for (int j = 0; j < NXy; j++)
        {
            CopyColumn(j, column);
            ScatterRow(column, data.AsSpan(j * nDet, nDet));
        }

        return new Dataset4D(data, ScanRows, ScanCols, DetRows, DetCols);
    }

    internal void ScatterRow(ReadOnlySpan<float> row, Span<float> image)
    {
        image.Clear();
        for (int u = 0; u < _keptPixels.Length; u++)
        {
            image[_keptPixels[u]] = row[u];
        }
    }

    internal void GatherRow(ReadOnlySpan<float> image, Span<float> row)
    {
        for (int u = 0; u < _keptPixels.Length; u++)
        {
            row[u] = image[_keptPixels[u]];
        }
    }

    /// <summary>The boolean mask (true = excluded) implied by the kept pixels.</summary>
    internal bool[] MaskedPixels()
    {
        var masked = Enumerable.Repeat(true, DetRows * DetCols).ToArray();
        foreach (int i in _keptPixels)
        {
            masked[i] = false;
        }

        return masked;
    }

    // One pass over X for everything the solver and the storage choice need to know about it: the sum in one double
    // running total, the squares per frame in double and then over frames in order.
    private (double Sum, double SumOfSquares, long NonZeros, bool IsCounts) Scan()
    {
        double sum = 0, squares = 0;
        long nonZeros = 0;
        bool counts = true;
        for (int j = 0; j < NXy; j++)
        {
            double q = 0;
            foreach (float v in Column(j))
            {
                sum += v;
                q += (double)v * v;
                if (v != 0f)
                {
                    nonZeros++;
                    counts &= v > 0f && v <= ushort.MaxValue && v == MathF.Floor(v);
                }
            }

            squares += q;
        }

        return (sum, squares, nonZeros, counts);
    }

    // The same sums as Scan over uint16 X (every value a count by construction); for a mapped file this is the pass
    // that reads it, so it reports progress.
    private unsafe (double Sum, double SumOfSquares, long NonZeros, bool IsCounts) ScanCounts(IProgress<long>? progress)
    {
        double sum = 0, squares = 0;
        long nonZeros = 0;
        for (int j = 0; j < NXy; j++)
        {
            var row = new ReadOnlySpan<ushort>(_counts!.Frame(j), NUv);
            long s = 0, q = 0;
            foreach (ushort v in row)
            {
                s += v;
                q += (long)v * v;
                nonZeros += v != 0 ? 1 : 0;
            }

            sum += s;
            squares += q;
            if (progress is not null && (j % 256 == 255 || j == NXy - 1))
            {
                progress.Report(j + 1);
            }
        }

        return (sum, squares, nonZeros, true);
    }

    private AlignedBuffer<float> Float32() => _frames
        ?? throw new InvalidOperationException("X is held as uint16 counts only (UnfoldedData.CreateCounts); it has no float32 copy.");

    /// <summary>Frees X (or unmaps the file).</summary>
    public void Dispose()
    {
        _frames?.Dispose();
        _counts?.Dispose();
    }
}
