using PureHDF.Filters;

namespace FastNmf.Hdf5.Filters;

/// <summary>
/// The HDF5 bitshuffle filter (registered id 32008; DECTRIS EIGER/ARINA files use it with LZ4) for PureHDF, which has
/// none. Decoding follows <see cref="BitshuffleCodec"/>; writing produces bitshuffle + LZ4 chunks with the default block
/// size. Registered once by <see cref="Hdf5Filters.EnsureRegistered"/>.
/// </summary>
/// <remarks>
/// The filter parameters (<c>cd_values</c>) are those the reference plugin writes: [0] and [1] its version,
/// [2] the element size in bytes, [3] the block size in elements (0 = default), [4] the compression (0 none, 2 LZ4).
/// </remarks>
public sealed class BitshuffleLz4Filter : IH5Filter
{
    /// <summary>The registered HDF5 filter id.</summary>
    public const ushort Id = 32008;

    /// <inheritdoc/>
    public ushort FilterId => Id;

    /// <inheritdoc/>
    public string Name => "bitshuffle";

    /// <inheritdoc/>
    /// <exception cref="InvalidDataException">the parameters or the chunk are malformed.</exception>
    public Memory<byte> Filter(FilterInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        uint[] p = info.Parameters;
        if (p.Length < 3 || p[2] is 0 or > 1024)
        {
            throw new InvalidDataException($"bitshuffle filter parameters ({string.Join(", ", p)}) give no valid element size in slot 2.");
        }

        int elementSize = (int)p[2];
        uint compression = p.Length > 4 ? p[4] : BitshuffleCodec.NoCompression;
        if (!info.Flags.HasFlag(H5FilterFlags.Decompress))
        {
            return BitshuffleCodec.EncodeLz4(info.Buffer.Span, elementSize, blockSize: 0);
        }

        int blockSize = p.Length > 3 && p[3] <= int.MaxValue ? (int)p[3] : 0;
        return BitshuffleCodec.Decode(info.Buffer.Span, elementSize, blockSize, compression, info.ChunkSize);
    }

    /// <inheritdoc/>
    public uint[] GetParameters(uint[] chunkDimensions, uint typeSize, Dictionary<string, object>? options) =>
        [0, 0, typeSize, 0, BitshuffleCodec.Lz4];
}
