using System.Buffers;
using System.Runtime.CompilerServices;

namespace FastNmf.IO;

/// <summary>
/// A NumPy <c>.npy</c> array read frame by frame: 4-D <c>(scan_rows, scan_cols, det_rows, det_cols)</c>, or 3-D
/// <c>(frames, det_rows, det_cols)</c> with the scan shape from <see cref="FrameSourceOptions.ScanShape"/>. C order is
/// read sequentially in large chunks; Fortran order (first index fastest) is gathered frame by frame from a memory
/// map, so neither holds the file in memory. Also serves the members of an <c>.npz</c> archive.
/// </summary>
/// <remarks>
/// Layout (numpy.lib.format): magic <c>\x93NUMPY</c>, version byte pair, little-endian header length (uint16 for 1.0,
/// uint32 for 2.0/3.0), a Python dict literal with <c>descr</c>, <c>fortran_order</c> and <c>shape</c>, padded to a
/// multiple of 64 bytes, then the elements. See <see cref="NpyHeader"/>.
/// </remarks>
public sealed class NpyFrameSource : FrameSource
{
    // Big enough that per-read overhead is negligible, small enough to stay in L2 while it is converted.
    private const int ChunkBytes = 1 << 20;

    private readonly NpyHeader _header;
    private readonly ByteSource _bytes;
    private readonly int _storedScanCols;
    private readonly bool _threeD;

    private NpyFrameSource(ByteSource bytes, string format, NpyHeader header, ScanShape scan, int detRows, int detCols)
        : base(bytes.Path, format, header.Dtype.ToString().ToLowerInvariant(), scan.Rows, scan.Cols, detRows, detCols)
    {
        _header = header;
        _bytes = bytes;
        _threeD = header.Shape.Length == 3;
        _storedScanCols = _threeD ? 1 : (int)header.Shape[1];
        SetMetadata("npy_version", $"{header.MajorVersion}.{header.MinorVersion}");
        SetMetadata("descr", header.Descr);
        SetMetadata("fortran_order", header.FortranOrder ? "true" : "false");
        SetMetadata("stored_shape", header.FormatShape());
    }

    /// <summary>The parsed header.</summary>
    public NpyHeader Header => _header;

    /// <summary>Recognises the <c>\x93NUMPY</c> magic.</summary>
    public static bool Sniff(ReadOnlySpan<byte> head, string path) =>
        head.Length >= 6 && head[0] == 0x93 && head[1..6].SequenceEqual("NUMPY"u8);

    /// <summary>Opens a 4-D <paramref name="path"/> and checks its header: a supported dtype, and no truncation.</summary>
    /// <exception cref="DataFormatException">missing file, malformed header, not 4-D, or fewer data bytes than the shape needs.</exception>
    public static NpyFrameSource Open(string path) => Open(path, FrameSourceOptions.Default);

    /// <summary>Opens <paramref name="path"/>: 4-D, or 3-D with <see cref="FrameSourceOptions.ScanShape"/>.</summary>
    /// <exception cref="DataFormatException">missing file, malformed header, not 3-D or 4-D, a scan shape that does not fit,
    /// or fewer data bytes than the shape needs.</exception>
    public static NpyFrameSource Open(string path, FrameSourceOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        return FileByteSource.OpenWith(path, bytes => Create(bytes, "npy", options));
    }

    /// <summary>Parses the header at the start of <paramref name="bytes"/> and wraps them; the source owns <paramref name="bytes"/> on success.</summary>
    internal static NpyFrameSource Create(ByteSource bytes, string format, FrameSourceOptions options)
    {
        string path = bytes.Path;
        NpyHeader header;
        using (var stream = new ByteSourceStream(bytes))
        {
            header = NpyHeader.Parse(stream, path);
        }

        long[] s = header.Shape;
        if (s.Length is not (3 or 4))
        {
            throw new DataFormatException(path, header.HeaderOffset,
                $"array has {s.Length} dimension(s) {header.FormatShape()}; expected 4: (scan_rows, scan_cols, det_rows, det_cols), or 3: (frames, det_rows, det_cols) with --scan-shape.");
        }

        if (s.Any(d => d < 1 || d > int.MaxValue))
        {
            throw new DataFormatException(path, header.HeaderOffset, $"shape {header.FormatShape()} has an empty or oversized dimension.");
        }

        long available = bytes.Length - header.DataOffset;
        if (available < header.DataLength)
        {
            throw new DataFormatException(path, header.DataOffset,
                $"truncated: expected {header.DataLength} bytes of data at byte {header.DataOffset}, file has {available} (shape {header.FormatShape()}, dtype '{header.Descr}')");
        }

        if (header.FortranOrder && bytes is not FileByteSource)
        {
            throw new DataFormatException(path, header.HeaderOffset,
                "a Fortran-order array inside a compressed archive cannot be read frame by frame; save it in C order or uncompressed (np.savez, or .npy).");
        }

        bool threeD = s.Length == 3;
        long frames = threeD ? s[0] : s[0] * s[1];
        ScanShape? stored = threeD ? null : new ScanShape((int)s[0], (int)s[1]);
        ScanShape scan = ScanShape.Resolve(path, frames, stored, options);
        return new NpyFrameSource(bytes, format, header, scan, (int)s[^2], (int)s[^1]);
    }

    /// <inheritdoc/>
    public override bool ReadsRangesInPlace => _bytes is not Npz.DeflateByteSource;

    /// <summary>
    /// Whether X as uint16 can be the file itself: a plain (not archived) C-order array of little-endian uint16 on a
    /// little-endian machine, so every frame's pixels lie contiguously in the file exactly as the uint16 kernels read them.
    /// </summary>
    public bool CanMapCounts =>
        _bytes is FileByteSource && Format == "npy" && _header.Dtype == NpyDtype.UInt16 && !_header.IsBigEndian && !_header.FortranOrder && BitConverter.IsLittleEndian;

    /// <summary>A read-only memory map of the file for its frames as uint16 (see <see cref="CanMapCounts"/>): frame j at
    /// <paramref name="dataOffset"/> + 2·j·FrameLength bytes from the map's start; the caller owns the map.</summary>
    internal MappedFile MapCounts(out long dataOffset)
    {
        if (!CanMapCounts)
        {
            throw new InvalidOperationException($"{Path} cannot be mapped as uint16 frames.");
        }

        dataOffset = _header.DataOffset;
        return new MappedFile(Path);
    }

    /// <inheritdoc/>
    protected override void ReadFramesCore(long first, int count, Span<float> destination)
    {
        if (_header.FortranOrder)
        {
            GatherFortran(first, count, destination);
            return;
        }

        int itemSize = _header.ItemSize;
        bool swap = itemSize > 1 && _header.IsBigEndian == BitConverter.IsLittleEndian;
        int chunkElements = ChunkBytes / itemSize;
        long start = _header.DataOffset + (first * FrameLength * itemSize);
        byte[] raw = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int done = 0;
            while (done < destination.Length)
            {
                int n = Math.Min(chunkElements, destination.Length - done);
                Span<byte> chunk = raw.AsSpan(0, n * itemSize);
                // Only fails when the file shrinks while it is read: its length was checked when it was opened.
                _bytes.ReadExactly(start + ((long)done * itemSize), chunk, $"frame {first + (done / FrameLength)}");
                if (swap)
                {
                    ElementConversion.ReverseEndianness(chunk, itemSize);
                }

                ElementConversion.ToFloat32(chunk, destination.Slice(done, n), _header.Dtype);
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    // Fortran order: element (a, b, c, d) sits at a + s0·(b + s1·(c + s2·d)), so one frame's pixels lie n_xy elements
    // apart (3-D: element (f, c, d) at f + n·(c + s1·d)). Each frame's bytes are gathered from a read-only memory map
    // into a staging buffer, then converted at once. Frames are numbered in the file's own scan grid, which a
    // --scan-shape re-grid does not change.
    private unsafe void GatherFortran(long first, int count, Span<float> destination)
    {
        var file = (FileByteSource)_bytes;
        int itemSize = _header.ItemSize;
        bool swap = itemSize > 1 && _header.IsBigEndian == BitConverter.IsLittleEndian;
        long frames = FrameCount;
        long storedRows = frames / _storedScanCols;
        byte[] staging = ArrayPool<byte>.Shared.Rent(FrameLength * itemSize);
        byte* data = file.AcquirePointer() + _header.DataOffset;
        try
        {
            for (int f = 0; f < count; f++)
            {
                long frame = first + f;
                long fortranFrame = _threeD ? frame : (frame / _storedScanCols) + (storedRows * (frame % _storedScanCols));
                fixed (byte* stage = staging)
                {
                    for (int c = 0; c < DetRows; c++)
                    {
                        for (int d = 0; d < DetCols; d++)
                        {
                            long element = fortranFrame + (frames * (c + ((long)DetRows * d)));
                            Unsafe.CopyBlockUnaligned(stage + ((((long)c * DetCols) + d) * itemSize), data + (element * itemSize), (uint)itemSize);
                        }
                    }
                }

                Span<byte> frameBytes = staging.AsSpan(0, FrameLength * itemSize);
                if (swap)
                {
                    ElementConversion.ReverseEndianness(frameBytes, itemSize);
                }

                ElementConversion.ToFloat32(frameBytes, destination.Slice(f * FrameLength, FrameLength), _header.Dtype);
            }
        }
        finally
        {
            file.ReleasePointer();
            ArrayPool<byte>.Shared.Return(staging);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _bytes.Dispose();
        }
    }
}
