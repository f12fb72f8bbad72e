using System.Buffers;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;

namespace FastNmf.IO;

/// <summary>
/// A 4-D NumPy <c>.npy</c> file <c>(scan_rows, scan_cols, det_rows, det_cols)</c> read frame by frame. C order is
/// read sequentially in large chunks; Fortran order (first index fastest) is gathered frame by frame from a memory
/// map, so neither holds the file in memory.
/// </summary>
public sealed class NpyFrameSource : FrameSource
{
    // Big enough that per-read overhead is negligible, small enough to stay in L2 while it is converted.
    private const int ChunkBytes = 1 << 20;

    private readonly NpyHeader _header;
    private readonly FileStream _stream;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;

    private NpyFrameSource(string path, NpyHeader header, FileStream stream, int[] shape)
        : base(path, "npy", header.Dtype.ToString().ToLowerInvariant(), shape[0], shape[1], shape[2], shape[3])
    {
        _header = header;
        _stream = stream;
        SetMetadata("npy_version", $"{header.MajorVersion}.{header.MinorVersion}");
        SetMetadata("descr", header.Descr);
        SetMetadata("fortran_order", header.FortranOrder ? "true" : "false");
    }

    /// <summary>The parsed header.</summary>
    public NpyHeader Header => _header;

    /// <summary>Opens <paramref name="path"/> and checks its header: 4-D, a supported dtype, and no truncation.</summary>
    /// <exception cref="DataFormatException">missing file, malformed header, not 4-D, or fewer data bytes than the shape needs.</exception>
    public static NpyFrameSource Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream = NpyReader.Open(path);
        try
        {
            NpyHeader header = NpyHeader.Parse(stream, path);
            long[] s = header.Shape;
            if (s.Length != 4)
            {
                throw new DataFormatException(path, header.HeaderOffset,
                    $"array has {s.Length} dimension(s) ({string.Join(", ", s)}); expected 4: (scan_rows, scan_cols, det_rows, det_cols).");
            }

            if (s.Any(d => d < 1 || d > int.MaxValue))
            {
                throw new DataFormatException(path, header.HeaderOffset, $"shape ({string.Join(", ", s)}) has an empty or oversized dimension.");
            }

            long available = stream.Length - header.DataOffset;
            if (available < header.DataLength)
            {
                throw new DataFormatException(path, header.DataOffset,
                    $"truncated: expected {header.DataLength} bytes of data at byte {header.DataOffset}, file has {available} (shape {header.FormatShape()}, dtype '{header.Descr}')");
            }

            return new NpyFrameSource(path, header, stream, [(int)s[0], (int)s[1], (int)s[2], (int)s[3]]);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
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
        _stream.Position = start;
        byte[] raw = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int done = 0;
            while (done < destination.Length)
            {
                int n = Math.Min(chunkElements, destination.Length - done);
                Span<byte> chunk = raw.AsSpan(0, n * itemSize);
                int got = _stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
                if (got < chunk.Length)
                {
                    // Only when the file shrinks while it is read: its length was checked when it was opened.
                    long at = start + ((long)done * itemSize) + got;
                    throw new DataFormatException(Path, at, $"truncated: the file ended at byte {at} while reading frame {first + (done / FrameLength)}");
                }

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
    // apart. Each frame's bytes are gathered from a read-only memory map into a staging buffer, then converted at once.
    private unsafe void GatherFortran(long first, int count, Span<float> destination)
    {
        EnsureMapped();
        int itemSize = _header.ItemSize;
        bool swap = itemSize > 1 && _header.IsBigEndian == BitConverter.IsLittleEndian;
        long frames = FrameCount;
        byte[] staging = ArrayPool<byte>.Shared.Rent(FrameLength * itemSize);
        byte* basePointer = null;
        _view!.SafeMemoryMappedViewHandle.AcquirePointer(ref basePointer);
        try
        {
            byte* data = basePointer + _view.PointerOffset + _header.DataOffset;
            for (int f = 0; f < count; f++)
            {
                long frame = first + f;
                long fortranFrame = (frame / ScanCols) + (ScanRows * (frame % ScanCols));
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
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            ArrayPool<byte>.Shared.Return(staging);
        }
    }

    private void EnsureMapped()
    {
        if (_view is null)
        {
            _map = MemoryMappedFile.CreateFromFile(_stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _view?.Dispose();
            _map?.Dispose();
            _stream.Dispose();
        }
    }
}
