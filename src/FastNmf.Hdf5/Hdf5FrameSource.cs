using System.Buffers;
using FastNmf.Hdf5.Filters;
using FastNmf.IO;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace FastNmf.Hdf5;

/// <summary>
/// A 4D-STEM data set in an HDF5 file, read through PureHDF a block of frames at a time (one hyperslab per run of whole
/// or partial scan rows), so neither the file nor the dataset is ever held in memory. Reads 4-D datasets
/// <c>(scan_rows, scan_cols, det_rows, det_cols)</c> and 3-D stacks <c>(frames, det_rows, det_cols)</c> (DECTRIS
/// files) with a scan shape; contiguous or chunked; deflate, shuffle, Fletcher-32, scale-offset and bitshuffle(+LZ4);
/// every integer and float width in either byte order. Which dataset is read: see <see cref="Open(string, string?, ScanShape?)"/>.
/// </summary>
public sealed class Hdf5FrameSource : FrameSource
{
    // Bytes converted per PureHDF call: large enough that per-call overhead is noise, small enough to stay in L2/L3.
    private const int ReadBytes = 4 << 20;

    // A frame cut into more chunks than this is a corrupt header (or a layout no detector writes): PureHDF would walk
    // every chunk of it, which a flipped dimension turns into minutes per frame (found by the fuzz tests).
    private const ulong MaxChunksPerFrame = 4096;

    private readonly Hdf5OpenFile _file;
    private readonly NativeDataset _dataset;
    private readonly Hdf5ElementType _type;
    private readonly ulong[] _dims;
    private readonly H5DatasetAccess _access;

    private Hdf5FrameSource(string path, Hdf5OpenFile file, Hdf5DatasetInfo info, Hdf5ElementType type, int scanRows, int scanCols)
        : base(path, "hdf5", type.Name, scanRows, scanCols, (int)info.Dimensions[^2], (int)info.Dimensions[^1])
    {
        _file = file;
        _dataset = info.Dataset;
        _type = type;
        _dims = info.Dimensions;
        DatasetPath = info.Path;
        ulong[]? chunks = Hdf5Guard.Run(path, $"dataset {info.Path}: layout", () =>
            info.Dataset.Layout.Class == H5DataLayoutClass.Chunked ? info.Dataset.Layout.Chunks : null);
        if (chunks is not null && (chunks.Length < info.Rank || chunks.Take(info.Rank).Any(c => c == 0)))
        {
            throw new DataFormatException(path, null, $"dataset {info.Describe()} has chunk dimensions ({string.Join(", ", chunks)}) that do not fit its rank.");
        }

        ulong perFrame = chunks is null ? 1 : Tiles(_dims[^2], chunks[_dims.Length - 2]) * Tiles(_dims[^1], chunks[_dims.Length - 1]);
        if (perFrame > MaxChunksPerFrame)
        {
            throw new DataFormatException(path, null,
                $"dataset {info.Describe()} is chunked {string.Join("x", chunks!.Take(info.Rank))}: {perFrame} chunks per frame (at most {MaxChunksPerFrame} are read); the header is corrupt or the layout unusable.");
        }

        _access = new H5DatasetAccess { ChunkCache = new SimpleReadingChunkCache(521, CacheBytes(chunks, info.Dimensions, type.Size)) };
        SetMetadata("hdf5_dataset", info.Path);
        SetMetadata("hdf5_found_as", info.Layout);
        SetMetadata("hdf5_dims", string.Join("x", info.Dimensions));
        SetMetadata("hdf5_layout", chunks is null ? "contiguous" : "chunked " + string.Join("x", chunks.Take(info.Rank)));
        SetMetadata("byte_order", type.Size == 1 ? "n/a" : type.BigEndian ? "big-endian" : "little-endian");
    }

    /// <summary>The dataset read, e.g. <c>/4DSTEM_experiment/data/datacubes/datacube_0/data</c>.</summary>
    public string DatasetPath { get; }

    /// <summary>
    /// Whether <paramref name="head"/> (the file's first bytes) holds the HDF5 signature <c>\x89HDF\r\n\x1a\n</c> at
    /// byte 0, 512, 1024, 2048, … (a user block before the superblock is a power of two ≥ 512 bytes long).
    /// </summary>
    public static bool Sniff(ReadOnlySpan<byte> head, string path) => Hdf5OpenFile.Sniff(head);

    /// <summary>
    /// Opens <paramref name="path"/> and finds the data set: <paramref name="datasetPath"/> if given (a dataset, or an EMD
    /// data group standing for its <c>data</c>), else the one EMD 1.0 / py4DSTEM data group, else the only 4-D numeric
    /// dataset, else (with <paramref name="scanShape"/>) the only 3-D one.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="datasetPath">Dataset path inside the file (as in <c>file.h5:/entry/data/data</c>), or null to search.</param>
    /// <param name="scanShape">The scan grid: required for a 3-D stack; for a 4-D dataset it must hold the same number of
    /// frames and re-grids them (frame order is kept).</param>
    /// <exception cref="DataFormatException">missing or malformed file, a path that does not exist (the message lists what
    /// exists at its parent), no or several candidate datasets (listed), an unsupported element type, a wrong scan shape.</exception>
    public static Hdf5FrameSource Open(string path, string? datasetPath = null, ScanShape? scanShape = null) =>
        Open(path, new FrameSourceOptions { Member = datasetPath, ScanShape = scanShape });

    /// <summary>Opens <paramref name="path"/> with the registry's options: <see cref="FrameSourceOptions.Member"/> is the
    /// dataset path (<c>file.h5:/entry/data/data</c> on the command line), <see cref="FrameSourceOptions.ScanShape"/> the
    /// scan grid (see <see cref="Open(string, string?, ScanShape?)"/>).</summary>
    /// <exception cref="DataFormatException">as for <see cref="Open(string, string?, ScanShape?)"/>.</exception>
    public static Hdf5FrameSource Open(string path, FrameSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return OpenDataset(path, options.Member, options.ScanShape is not null, (frames, stored) => ScanShape.Resolve(path, frames, stored, options));
    }

    /// <summary>Opens the 3-D stack <paramref name="datasetPath"/> of <paramref name="path"/> as one scan row of all its
    /// frames: one part of an acquisition split over several files (see <see cref="DectrisMaster"/>).</summary>
    internal static Hdf5FrameSource OpenStackPart(string path, string datasetPath) =>
        OpenDataset(path, datasetPath, stackAllowed: true, (frames, stored) =>
            stored is null && frames <= int.MaxValue
                ? new ScanShape(1, (int)frames)
                : throw new DataFormatException(path, null, $"'{datasetPath}' is not a 3-D stack (frames, det_rows, det_cols) of at most {int.MaxValue} frames."));

    private static Hdf5FrameSource OpenDataset(string path, string? datasetPath, bool stackAllowed, Func<long, ScanShape?, ScanShape> scanShape)
    {
        Hdf5OpenFile file = Hdf5OpenFile.Open(path);
        try
        {
            Hdf5DatasetInfo info = Hdf5DatasetFinder.Find(path, file.File, datasetPath, stackAllowed);
            if (info.Rank is not (3 or 4) || info.Dimensions.Any(d => d is 0 or > int.MaxValue))
            {
                throw new DataFormatException(path, null,
                    $"dataset {info.Describe()} is not 4-D (scan_rows, scan_cols, det_rows, det_cols) or 3-D (frames, det_rows, det_cols) with non-empty dimensions.");
            }

            Hdf5ElementType type = Hdf5ElementType.Of(path, info.Path, info.Dataset);
            long frames = info.Rank == 4 ? (long)info.Dimensions[0] * (long)info.Dimensions[1] : (long)info.Dimensions[0];
            ScanShape? stored = info.Rank == 4 ? new ScanShape((int)info.Dimensions[0], (int)info.Dimensions[1]) : null;
            ScanShape scan = scanShape(frames, stored);
            return new Hdf5FrameSource(path, file, info, type, scan.Rows, scan.Cols);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override void ReadFramesCore(long first, int count, Span<float> destination)
    {
        int frameBytes = FrameLength * _type.Size;
        int framesPerRead = Math.Clamp(ReadBytes / frameBytes, 1, count);
        byte[] raw = ArrayPool<byte>.Shared.Rent(framesPerRead * frameBytes);
        try
        {
            for (int done = 0; done < count;)
            {
                int n = Math.Min(framesPerRead, count - done);
                Span<byte> bytes = raw.AsSpan(0, n * frameBytes);
                ReadRaw(first + done, n, bytes);
                if (_type.BigEndian)
                {
                    ElementConversion.ReverseEndianness(bytes, _type.Size);
                }

                ElementConversion.ToFloat32(bytes, destination.Slice(done * FrameLength, n * FrameLength), _type.Dtype);
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    // Frames [first, first + n) as stored, in row-major frame order. A 3-D stack is one hyperslab; a 4-D dataset needs one
    // per run of frames within a scan row, or one for a run of whole rows (the dataset's own grid, which a re-gridding
    // scan shape does not change).
    private void ReadRaw(long first, int n, Span<byte> bytes)
    {
        int frameBytes = FrameLength * _type.Size;
        ulong dr = _dims[^2], dc = _dims[^1];
        long frame = first;
        int offset = 0;
        while (n > 0)
        {
            ulong[] starts, blocks;
            int frames;
            if (_dims.Length == 3)
            {
                (starts, blocks, frames) = ([(ulong)frame, 0, 0], [(ulong)n, dr, dc], n);
            }
            else
            {
                long fileCols = (long)_dims[1];
                long row = frame / fileCols, col = frame % fileCols;
                if (col == 0 && n >= fileCols)
                {
                    long rows = n / fileCols;
                    (starts, blocks, frames) = ([(ulong)row, 0, 0, 0], [(ulong)rows, (ulong)fileCols, dr, dc], (int)(rows * fileCols));
                }
                else
                {
                    int take = (int)Math.Min(n, fileCols - col);
                    (starts, blocks, frames) = ([(ulong)row, (ulong)col, 0, 0], [1, (ulong)take, dr, dc], take);
                }
            }

            Span<byte> target = bytes.Slice(offset, frames * frameBytes);
            ReadSlab(starts, blocks, target, frame, frames);
            frame += frames;
            offset += frames * frameBytes;
            n -= frames;
        }
    }

    private void ReadSlab(ulong[] starts, ulong[] blocks, Span<byte> target, long frame, int frames)
    {
        var selection = new HyperslabSelection(starts.Length, starts, blocks, Enumerable.Repeat(1UL, starts.Length).ToArray(), blocks);
        try
        {
            _dataset.Read(_access, target, selection);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            throw new DataFormatException(Path, null, $"dataset {DatasetPath}: reading frames [{frame}, {frame + frames}): {Hdf5Guard.Describe(e)}", e);
        }
    }

    // Two layers of the chunks one frame touches (a chunk may span several frames), so a read block that ends inside a
    // chunk leaves it cached for the next block instead of decompressing it twice.
    private static ulong CacheBytes(ulong[]? chunks, ulong[] dims, int elementSize)
    {
        const ulong Min = 1 << 20, Max = 256UL << 20;
        if (chunks is null || chunks.Length < 2)
        {
            return Min;
        }

        ulong chunkBytes = (ulong)elementSize;
        for (int d = 0; d < dims.Length && d < chunks.Length; d++)
        {
            chunkBytes = Math.Min(chunkBytes * Math.Max(chunks[d], 1), Max);
        }

        ulong perFrame = Tiles(dims[^2], chunks[dims.Length - 2]) * Tiles(dims[^1], chunks[dims.Length - 1]);
        return Math.Clamp(2 * chunkBytes * Math.Min(perFrame, 1024), Min, Max);
    }

    private static ulong Tiles(ulong extent, ulong chunk) => chunk == 0 ? 1 : (extent + chunk - 1) / chunk;

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }
    }
}
