using System.Buffers;
using System.Buffers.Binary;
using K4os.Compression.LZ4;

namespace FastNmf.Hdf5.Filters;

/// <summary>
/// One chunk of the HDF5 bitshuffle filter (id 32008, DECTRIS detectors write it with LZ4): the chunk's elements are cut
/// into blocks of <c>B</c> elements (the last block rounded down to a multiple of 8), each block bitshuffled
/// (<see cref="Bitshuffle"/>), and the last <c>n mod 8</c> elements kept as they are.
/// </summary>
/// <remarks>
/// With LZ4 (<c>cd_values[4] = 2</c>) the chunk is: 8-byte big-endian uncompressed size in bytes, 4-byte big-endian
/// block size in bytes (<c>B · element size</c>), then per block a 4-byte big-endian compressed size followed by one LZ4
/// block, then the leftover bytes uncompressed. Without compression (<c>cd_values[4] = 0</c>) the chunk is the
/// bitshuffled blocks and the leftover bytes, and <c>B</c> comes from <c>cd_values[3]</c> (0: the default).
/// Every size a chunk claims is checked against what the chunk holds before it is used.
/// </remarks>
internal static class BitshuffleCodec
{
    /// <summary><c>cd_values[4]</c> for bitshuffle alone.</summary>
    public const uint NoCompression = 0;

    /// <summary><c>cd_values[4]</c> for bitshuffle followed by LZ4.</summary>
    public const uint Lz4 = 2;

    private const int HeaderBytes = 12;

    /// <summary>Decodes one chunk into a new array of its uncompressed size.</summary>
    /// <param name="chunk">The chunk as stored.</param>
    /// <param name="elementSize">Bytes per element (<c>cd_values[2]</c>).</param>
    /// <param name="blockSize">Elements per block (<c>cd_values[3]</c>, 0 for the default); LZ4 chunks carry their own.</param>
    /// <param name="compression"><see cref="NoCompression"/> or <see cref="Lz4"/>.</param>
    /// <param name="expectedBytes">The chunk's uncompressed size as the dataset defines it, or 0 if unknown.</param>
    /// <exception cref="InvalidDataException">the chunk is truncated, or a size in it is inconsistent.</exception>
    public static byte[] Decode(ReadOnlySpan<byte> chunk, int elementSize, int blockSize, uint compression, int expectedBytes)
    {
        if (elementSize < 1)
        {
            throw new InvalidDataException($"bitshuffle: element size {elementSize} in the filter parameters.");
        }

        return compression switch
        {
            Lz4 => DecodeLz4(chunk, elementSize, expectedBytes),
            NoCompression => DecodePlain(chunk, elementSize, blockSize == 0 ? Bitshuffle.DefaultBlockSize(elementSize) : blockSize, expectedBytes),
            _ => throw new InvalidDataException($"bitshuffle: compression {compression} is not supported (0 = none, 2 = LZ4; 3 = Zstandard is not read)."),
        };
    }

    /// <summary>Decodes one bitshuffle + LZ4 chunk into <paramref name="output"/>, whose length the chunk's header must
    /// give: nothing allocated (a stream's frames, one after another).</summary>
    /// <exception cref="InvalidDataException">the chunk is truncated, or a size in it is inconsistent.</exception>
    public static void DecodeLz4(ReadOnlySpan<byte> chunk, int elementSize, Span<byte> output)
    {
        if (elementSize < 1)
        {
            throw new InvalidDataException($"bitshuffle: element size {elementSize} in the filter parameters.");
        }

        int blockSize = CheckLz4Header(chunk, elementSize, output.Length);
        Unshuffle(chunk, HeaderBytes, output, elementSize, blockSize, lz4: true);
    }

    /// <summary>Encodes <paramref name="data"/> as a bitshuffle + LZ4 chunk (blocks of <paramref name="blockSize"/> elements, 0 for the default).</summary>
    public static byte[] EncodeLz4(ReadOnlySpan<byte> data, int elementSize, int blockSize)
    {
        if (elementSize < 1 || data.Length % elementSize != 0)
        {
            throw new ArgumentException($"{data.Length} bytes are not a whole number of {elementSize}-byte elements.", nameof(data));
        }

        blockSize = blockSize == 0 ? Bitshuffle.DefaultBlockSize(elementSize) : blockSize;
        if (blockSize % Bitshuffle.BlockMultiple != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "a bitshuffle block holds a multiple of 8 elements.");
        }

        int blockBytes = blockSize * elementSize;
        var output = new MemoryStream();
        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteUInt64BigEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32BigEndian(header[8..], (uint)blockBytes);
        output.Write(header);
        byte[] planes = new byte[blockBytes];
        byte[] packed = new byte[LZ4Codec.MaximumOutputSize(blockBytes)];
        int elements = data.Length / elementSize;
        Span<byte> length = stackalloc byte[4];
        foreach ((int start, int count) in Blocks(elements, blockSize))
        {
            Bitshuffle.ShuffleBlock(data.Slice(start * elementSize, count * elementSize), planes, count, elementSize);
            int size = LZ4Codec.Encode(planes.AsSpan(0, count * elementSize), packed, LZ4Level.L00_FAST);
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)size);
            output.Write(length);
            output.Write(packed, 0, size);
        }

        output.Write(data[(data.Length - (elements % Bitshuffle.BlockMultiple * elementSize))..]);
        return output.ToArray();
    }

    private static byte[] DecodeLz4(ReadOnlySpan<byte> chunk, int elementSize, int expectedBytes)
    {
        int blockSize = CheckLz4Header(chunk, elementSize, expectedBytes);
        var output = new byte[(int)BinaryPrimitives.ReadUInt64BigEndian(chunk)];
        Unshuffle(chunk, HeaderBytes, output, elementSize, blockSize, lz4: true);
        return output;
    }

    // The header's sizes checked (against the expected size unless 0); the block size in elements.
    private static int CheckLz4Header(ReadOnlySpan<byte> chunk, int elementSize, int expectedBytes)
    {
        if (chunk.Length < HeaderBytes)
        {
            throw new InvalidDataException($"bitshuffle/LZ4 chunk of {chunk.Length} bytes is shorter than its {HeaderBytes}-byte header.");
        }

        ulong total = BinaryPrimitives.ReadUInt64BigEndian(chunk);
        uint blockBytes = BinaryPrimitives.ReadUInt32BigEndian(chunk[8..]);
        if (total > (ulong)Array.MaxLength || (expectedBytes > 0 && total != (ulong)expectedBytes))
        {
            throw new InvalidDataException($"bitshuffle/LZ4 chunk header (byte 0) says {total} uncompressed bytes; the dataset's chunk holds {expectedBytes}.");
        }

        if (blockBytes == 0 || blockBytes % elementSize != 0 || blockBytes / elementSize % Bitshuffle.BlockMultiple != 0 || total % (ulong)elementSize != 0)
        {
            throw new InvalidDataException($"bitshuffle/LZ4 chunk header (byte 8) gives a block of {blockBytes} bytes for {elementSize}-byte elements and {total} bytes in all: not a multiple of 8 elements.");
        }

        return (int)(blockBytes / elementSize);
    }

    private static byte[] DecodePlain(ReadOnlySpan<byte> chunk, int elementSize, int blockSize, int expectedBytes)
    {
        if (blockSize < 1 || blockSize % Bitshuffle.BlockMultiple != 0)
        {
            throw new InvalidDataException($"bitshuffle: block size {blockSize} in the filter parameters is not a multiple of 8.");
        }

        if (chunk.Length % elementSize != 0 || (expectedBytes > 0 && chunk.Length != expectedBytes))
        {
            throw new InvalidDataException($"bitshuffle chunk of {chunk.Length} bytes; the dataset's chunk holds {expectedBytes} bytes of {elementSize}-byte elements.");
        }

        var output = new byte[chunk.Length];
        Unshuffle(chunk, 0, output, elementSize, blockSize, lz4: false);
        return output;
    }

    // Walks the blocks of a chunk whose payload starts at `offset`, decompressing (LZ4) and unshuffling each into output.
    private static void Unshuffle(ReadOnlySpan<byte> chunk, int offset, Span<byte> output, int elementSize, int blockSize, bool lz4)
    {
        int total = output.Length, elements = total / elementSize;
        byte[] planes = ArrayPool<byte>.Shared.Rent(Math.Max(1, Math.Min(blockSize, elements) * elementSize));
        try
        {
            int at = offset, full = elements / blockSize, last = (elements - (full * blockSize)) / Bitshuffle.BlockMultiple * Bitshuffle.BlockMultiple;
            for (int block = 0; block < full || (block == full && last > 0); block++)
            {
                // Full blocks, then the rest rounded down to a multiple of 8 (as Blocks: the n mod 8 left stay as they are).
                int start = block * blockSize, count = block < full ? blockSize : last;
                int bytes = count * elementSize;
                ReadOnlySpan<byte> shuffled;
                if (lz4)
                {
                    if (chunk.Length - at < 4)
                    {
                        throw new InvalidDataException($"bitshuffle/LZ4 chunk ends at byte {chunk.Length} where the size of the block at element {start} should be.");
                    }

                    uint packed = BinaryPrimitives.ReadUInt32BigEndian(chunk[at..]);
                    at += 4;
                    if (packed > (uint)(chunk.Length - at))
                    {
                        throw new InvalidDataException($"bitshuffle/LZ4 chunk: the block at element {start} claims {packed} compressed bytes at byte {at}; {chunk.Length - at} remain.");
                    }

                    int got = LZ4Codec.Decode(chunk.Slice(at, (int)packed), planes.AsSpan(0, bytes));
                    if (got != bytes)
                    {
                        throw new InvalidDataException($"bitshuffle/LZ4 chunk: the LZ4 block at byte {at} decodes to {(got < 0 ? "nothing (corrupt)" : got + " bytes")}, expected {bytes}.");
                    }

                    at += (int)packed;
                    shuffled = planes.AsSpan(0, bytes);
                }
                else
                {
                    shuffled = chunk.Slice(at, bytes);
                    at += bytes;
                }

                Bitshuffle.UnshuffleBlock(shuffled, output.Slice(start * elementSize, bytes), count, elementSize);
            }

            int leftover = elements % Bitshuffle.BlockMultiple * elementSize;
            if (chunk.Length - at < leftover)
            {
                throw new InvalidDataException($"bitshuffle chunk ends at byte {chunk.Length}; its last {leftover} unshuffled bytes should start at byte {at}.");
            }

            chunk.Slice(at, leftover).CopyTo(output[(total - leftover)..]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(planes);
        }
    }

    // Full blocks, then the rest rounded down to a multiple of 8 (the remaining n mod 8 elements are stored as is).
    private static IEnumerable<(int Start, int Count)> Blocks(int elements, int blockSize)
    {
        int start = 0;
        for (; start + blockSize <= elements; start += blockSize)
        {
            yield return (start, blockSize);
        }

        int last = (elements - start) / Bitshuffle.BlockMultiple * Bitshuffle.BlockMultiple;
        if (last > 0)
        {
            yield return (start, last);
        }
    }
}
