using System.Buffers;

namespace FastNmf.IO;

/// <summary>
/// Reads NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0) of integer or floating-point element type.
/// </summary>
/// <remarks>
/// Every malformed, truncated or unsupported file is reported as a <see cref="DataFormatException"/> that names
/// the file and, where possible, the byte offset of the problem.
/// </remarks>
public static class NpyReader
{
    // Large enough that per-read overhead is negligible, small enough that the raw bytes never cost a noticeable
    // fraction of the float array they are converted into.
    private const int ChunkBytes = 1 << 20;

    /// <summary>Reads only the header of an <c>.npy</c> file, e.g. to check the shape before committing to a load.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The parsed header.</returns>
    /// <exception cref="DataFormatException">The file does not exist or its header is malformed or unsupported.</exception>
    public static NpyHeader ReadHeader(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = Open(path);
        return NpyHeader.Parse(stream, path);
    }

    /// <summary>
    /// Reads a whole <c>.npy</c> file, converting its elements to <see cref="float"/> and, if it is stored in
    /// Fortran order, transposing it to C (row-major) order.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The array in C order as single precision.</returns>
    /// <exception cref="DataFormatException">The file does not exist, is malformed or truncated, has an unsupported
    /// element type, or has more elements than fit in one array.</exception>
    public static NpyArray ReadFloat32(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = Open(path);
        NpyHeader header = NpyHeader.Parse(stream, path);

        // Checked before the size limit so that a header corrupted into claiming a huge shape is reported as the
        // truncation it really is.
        long available = stream.Length - header.DataOffset;
        if (available < header.DataLength)
        {
            throw new DataFormatException(path, header.DataOffset,
                $"truncated: expected {header.DataLength} bytes of data at byte {header.DataOffset}, file has {available} (shape {header.FormatShape()}, dtype '{header.Descr}')");
        }

        if (header.ElementCount > Array.MaxLength)
        {
            throw new DataFormatException(path, header.HeaderOffset,
                $"shape {header.FormatShape()} is too large for in-memory loading ({header.ElementCount} elements; at most {Array.MaxLength} fit in one array)");
        }

        float[] data = header.ElementCount == 0 ? [] : GC.AllocateUninitializedArray<float>((int)header.ElementCount);
        stream.Position = header.DataOffset;
        ReadData(stream, header, data, path);
        return new NpyArray(header.Shape, header.Dtype, header.FortranOrder, data);
    }

    // Buffering is pointless: the header is read once and the data in our own large chunks.
    private static FileStream Open(string path) => ByteSource.OpenRead(path, FileOptions.SequentialScan);

    private static void ReadData(Stream stream, NpyHeader header, float[] data, string path)
    {
        int itemSize = header.ItemSize;
        int chunkElements = ChunkBytes / itemSize;
        bool swap = itemSize > 1 && header.IsBigEndian == BitConverter.IsLittleEndian;

        // Rank ≤ 1 Fortran order is the same layout as C order, so only higher ranks need the scatter.
        FortranScatter? scatter = header.FortranOrder && header.Shape.Length > 1 ? new FortranScatter(header.Shape) : null;

        byte[] raw = ArrayPool<byte>.Shared.Rent((int)Math.Min(ChunkBytes, Math.Max(header.DataLength, 1)));
        float[]? staging = scatter is null ? null : ArrayPool<float>.Shared.Rent((int)Math.Min(chunkElements, data.Length));
        try
        {
            long done = 0;
            while (done < data.Length)
            {
                int count = (int)Math.Min(chunkElements, data.Length - done);
                int bytes = count * itemSize;
                Span<byte> chunk = raw.AsSpan(0, bytes);
                int got = stream.ReadAtLeast(chunk, bytes, throwOnEndOfStream: false);
                if (got < bytes)
                {
                    // Only reachable if the file shrinks while we read it: the length was checked up front.
                    long offset = header.DataOffset + (done * itemSize) + got;
                    throw new DataFormatException(path, offset,
                        $"truncated: expected {header.DataLength} bytes of data at byte {header.DataOffset}, file ended at byte {offset}");
                }

                if (swap)
                {
                    ElementConversion.ReverseEndianness(chunk, itemSize);
                }

                Span<float> target = staging is null ? data.AsSpan((int)done, count) : staging.AsSpan(0, count);
                ElementConversion.ToFloat32(chunk, target, header.Dtype);
                scatter?.Scatter(target, data);
                done += count;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            if (staging is not null)
            {
                ArrayPool<float>.Shared.Return(staging);
            }
        }
    }

    /// <summary>
    /// Writes elements arriving in Fortran order (first index fastest) to their C-order positions. Keeps its
    /// multi-index between calls so the data can be streamed through in chunks of any size.
    /// </summary>
    private sealed class FortranScatter
    {
        private readonly long[] _shape;
        private readonly long[] _cStrides;
        private readonly long[] _index;
        private long _destination;

        public FortranScatter(long[] shape)
        {
            _shape = shape;
            _cStrides = new long[shape.Length];
            _index = new long[shape.Length];
            long stride = 1;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                _cStrides[d] = stride;
                stride *= shape[d];
            }
        }

        public void Scatter(ReadOnlySpan<float> values, float[] data)
        {
            long extent0 = _shape[0];
            long stride0 = _cStrides[0];
            int i = 0;
            while (i < values.Length)
            {
                int run = (int)Math.Min(extent0 - _index[0], values.Length - i);
                long destination = _destination;
                for (int k = 0; k < run; k++)
                {
                    data[destination] = values[i + k];
                    destination += stride0;
                }

                i += run;
                _index[0] += run;
                _destination = destination;
                if (_index[0] == extent0)
                {
                    Carry();
                }
            }
        }

        private void Carry()
        {
            _index[0] = 0;
            _destination -= _shape[0] * _cStrides[0];
            for (int d = 1; d < _shape.Length; d++)
            {
                _index[d]++;
                _destination += _cStrides[d];
                if (_index[d] < _shape[d])
                {
                    return;
                }

                _index[d] = 0;
                _destination -= _shape[d] * _cStrides[d];
            }
        }
    }
}
