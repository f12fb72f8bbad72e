using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace FastNmf.IO;

/// <summary>
/// Writes NumPy <c>.npy</c> files: little-endian, C order, format version 1.0 (2.0 only when the header would not
/// fit in 65 535 bytes), readable by <c>numpy.load</c> and by <see cref="NpyReader"/>.
/// </summary>
/// <remarks>
/// The file is written to <c>path + ".tmp"</c> and renamed over the destination only once complete, so a
/// crash or full disk never leaves a half-written file under the final name.
/// </remarks>
public static class NpyWriter
{
    private const int Alignment = 64;
    private const int ChunkBytes = 1 << 20;

    /// <summary>Writes single-precision data as <c>&lt;f4</c>.</summary>
    /// <param name="path">Destination file; replaced if it exists.</param>
    /// <param name="data">The elements in C (row-major) order.</param>
    /// <param name="shape">The dimensions, outermost first; empty for a 0-d array.</param>
    /// <exception cref="ArgumentException">A dimension is negative, or <paramref name="data"/> does not have exactly
    /// as many elements as <paramref name="shape"/> describes.</exception>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<long> shape) => WriteCore(path, data, shape, "<f4");

    /// <summary>Writes double-precision data as <c>&lt;f8</c>.</summary>
    /// <param name="path">Destination file; replaced if it exists.</param>
    /// <param name="data">The elements in C (row-major) order.</param>
    /// <param name="shape">The dimensions, outermost first; empty for a 0-d array.</param>
    /// <exception cref="ArgumentException">A dimension is negative, or <paramref name="data"/> does not have exactly
    /// as many elements as <paramref name="shape"/> describes.</exception>
    public static void Write(string path, ReadOnlySpan<double> data, ReadOnlySpan<long> shape) => WriteCore(path, data, shape, "<f8");

    /// <summary>Writes 32-bit integer data as <c>&lt;i4</c>.</summary>
    /// <param name="path">Destination file; replaced if it exists.</param>
    /// <param name="data">The elements in C (row-major) order.</param>
    /// <param name="shape">The dimensions, outermost first; empty for a 0-d array.</param>
    /// <exception cref="ArgumentException">A dimension is negative, or <paramref name="data"/> does not have exactly
    /// as many elements as <paramref name="shape"/> describes.</exception>
    public static void Write(string path, ReadOnlySpan<int> data, ReadOnlySpan<long> shape) => WriteCore(path, data, shape, "<i4");

    /// <summary>Writes booleans as <c>|b1</c> (one byte each, NumPy's bool).</summary>
    /// <param name="path">Destination file; replaced if it exists.</param>
    /// <param name="data">The elements in C (row-major) order.</param>
    /// <param name="shape">The dimensions, outermost first; empty for a 0-d array.</param>
    /// <exception cref="ArgumentException">A dimension is negative, or <paramref name="data"/> does not have exactly
    /// as many elements as <paramref name="shape"/> describes.</exception>
    public static void Write(string path, ReadOnlySpan<bool> data, ReadOnlySpan<long> shape) => WriteCore(path, data, shape, "|b1");

    private static void WriteCore<T>(string path, ReadOnlySpan<T> data, ReadOnlySpan<long> shape, string descr) where T : unmanaged
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        long count = 1;
        foreach (long dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"shape {NpyHeader.FormatShape(shape)} has a negative dimension", nameof(shape));
            }

            try
            {
                count = checked(count * dimension);
            }
            catch (OverflowException ex)
            {
                throw new ArgumentException($"shape {NpyHeader.FormatShape(shape)} overflows the element count", nameof(shape), ex);
            }
        }

        if (count != data.Length)
        {
            throw new ArgumentException(
                $"data has {data.Length} elements but shape {NpyHeader.FormatShape(shape)} has {count}", nameof(data));
        }

        byte[] header = BuildHeader(descr, shape);
        string temporary = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                stream.Write(header);
                WriteLittleEndian(stream, data);

                // Without this the rename can reach the disk before the data does, defeating its purpose.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Builds magic, version, header length and the space-padded dictionary, 64-byte aligned as NumPy requires.</summary>
    internal static byte[] BuildHeader(string descr, ReadOnlySpan<long> shape)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {NpyHeader.FormatShape(shape)}, }}";
        int preamble = 10;
        int headerLength = PaddedLength(preamble, dict.Length);
        byte major = 1;
        if (headerLength > ushort.MaxValue)
        {
            preamble = 12;
            headerLength = PaddedLength(preamble, dict.Length);
            major = 2;
        }

        var bytes = new byte[preamble + headerLength];
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        magic.CopyTo(bytes);
        bytes[6] = major;
        bytes[7] = 0;
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)headerLength);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)headerLength);
        }

        Span<byte> text = bytes.AsSpan(preamble);
        int written = Encoding.ASCII.GetBytes(dict, text);
        text[written..^1].Fill((byte)' ');
        text[^1] = (byte)'\n';
        return bytes;
    }

    private static int PaddedLength(int preamble, int dictLength)
    {
        int total = preamble + dictLength + 1;
        return ((total + Alignment - 1) / Alignment * Alignment) - preamble;
    }

    private static void WriteLittleEndian<T>(Stream stream, ReadOnlySpan<T> data) where T : unmanaged
    {
        // Chunked by elements because a span of more than 2 GiB cannot be reinterpreted as bytes in one piece.
        int itemSize = Unsafe.SizeOf<T>();
        int step = ChunkBytes / itemSize;
        byte[]? buffer = BitConverter.IsLittleEndian ? null : ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (ReadOnlySpan<T> rest = data; !rest.IsEmpty; rest = rest[Math.Min(step, rest.Length)..])
            {
                ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(rest[..Math.Min(step, rest.Length)]);
                if (buffer is not null)
                {
                    Span<byte> swapped = buffer.AsSpan(0, bytes.Length);
                    bytes.CopyTo(swapped);
                    for (int i = 0; i < swapped.Length; i += itemSize)
                    {
                        swapped.Slice(i, itemSize).Reverse();
                    }

                    bytes = swapped;
                }

                stream.Write(bytes);
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure is what matters; a stray .tmp file is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
