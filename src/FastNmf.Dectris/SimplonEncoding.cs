using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FastNmf.Hdf5.Filters;
using K4os.Compression.LZ4;

namespace FastNmf.Dectris;

/// <summary>
/// A SIMPLON image's encoding (<c>dimage_d-1.0</c>'s <c>encoding</c> and <c>type</c>): <c>[bs&lt;BITS&gt;][[-]lz4][&lt;|&gt;]</c>,
/// e.g. <c>bs16-lz4&lt;</c> (bitshuffle + LZ4 with the HDF5 filter's framing, the decoder FastNmf reads HDF5 with),
/// <c>lz4&lt;</c> (the HDF5 LZ4 filter's framing) or <c>&lt;</c> (raw); element types uint8, uint16, uint32.
/// </summary>
internal readonly record struct SimplonEncoding(bool Bitshuffle, bool Lz4, int ElementSize, bool BigEndian, string Text)
{
    /// <summary>Parses the two fields; null with <paramref name="problem"/> set when FastNmf cannot decode them.</summary>
    public static SimplonEncoding? Parse(string? encoding, string? type, out string? problem)
    {
        problem = null;
        int size = type switch { "uint8" => 1, "uint16" => 2, "uint32" => 4, _ => 0 };
        if (size == 0)
        {
            problem = $"element type '{type}': readable are uint8, uint16, uint32";
            return null;
        }

        string e = encoding ?? "<";
        bool big = e.EndsWith('>');
        string core = e.TrimEnd('<', '>');
        bool bitshuffle = false, lz4 = false;
        if (core.StartsWith("bs", StringComparison.Ordinal))
        {
            bitshuffle = true;
            int end = 2;
            while (end < core.Length && char.IsAsciiDigit(core[end]))
            {
                end++;
            }

            core = core[end..].TrimStart('-');
        }

        if (core == "lz4")
        {
            lz4 = true;
        }
        else if (core.Length > 0)
        {
            problem = $"encoding '{e}': readable are bs<BITS>-lz4, lz4 and raw, '<' or '>'";
            return null;
        }

        if (bitshuffle && !lz4)
        {
            problem = $"encoding '{e}': bitshuffle without LZ4 is not sent by SIMPLON";
            return null;
        }

        return new SimplonEncoding(bitshuffle, lz4, size, big, e);
    }

    /// <summary>Decodes <paramref name="blob"/> into <paramref name="elements"/> (native-endian bytes of Length elements).</summary>
    /// <exception cref="InvalidDataException">the blob is truncated or its sizes disagree with the frame's.</exception>
    public void Decode(ReadOnlySpan<byte> blob, Span<byte> elements)
    {
        if (Bitshuffle)
        {
            BitshuffleCodec.DecodeLz4(blob, ElementSize, elements);
        }
        else if (Lz4)
        {
            DecodeLz4Framed(blob, elements);
        }
        else
        {
            if (blob.Length != elements.Length)
            {
                throw new InvalidDataException($"a raw image of {blob.Length} bytes where the frame holds {elements.Length}");
            }

            blob.CopyTo(elements);
        }

        if (BigEndian && ElementSize > 1)
        {
            if (ElementSize == 2)
            {
                Span<ushort> v = MemoryMarshal.Cast<byte, ushort>(elements);
                BinaryPrimitives.ReverseEndianness(v, v);
            }
            else
            {
                Span<uint> v = MemoryMarshal.Cast<byte, uint>(elements);
                BinaryPrimitives.ReverseEndianness(v, v);
            }
        }
    }

    // The HDF5 LZ4 filter's framing: 8-byte big-endian total size, 4-byte big-endian block size, then per block a
    // 4-byte big-endian compressed size and the LZ4 block (a block whose compressed size equals its size is stored raw).
    private static void DecodeLz4Framed(ReadOnlySpan<byte> blob, Span<byte> output)
    {
        if (blob.Length < 12)
        {
            throw new InvalidDataException($"an LZ4 image of {blob.Length} bytes: shorter than its 12-byte header");
        }

        long total = (long)BinaryPrimitives.ReadUInt64BigEndian(blob);
        int blockSize = (int)BinaryPrimitives.ReadUInt32BigEndian(blob[8..]);
        if (total != output.Length || blockSize <= 0)
        {
            throw new InvalidDataException($"an LZ4 image says {total} bytes in blocks of {blockSize}; the frame holds {output.Length}");
        }

        int at = 12, done = 0;
        while (done < output.Length)
        {
            int want = Math.Min(blockSize, output.Length - done);
            if (at + 4 > blob.Length)
            {
                throw new InvalidDataException($"an LZ4 image ends after {done} of its {output.Length} bytes");
            }

            int packed = (int)BinaryPrimitives.ReadUInt32BigEndian(blob[at..]);
            at += 4;
            if (packed < 0 || at + packed > blob.Length)
            {
                throw new InvalidDataException($"an LZ4 block of {packed} bytes runs past the image's {blob.Length}");
            }

            if (packed == want)
            {
                blob.Slice(at, packed).CopyTo(output[done..]);
            }
            else if (LZ4Codec.Decode(blob.Slice(at, packed), output.Slice(done, want)) != want)
            {
                throw new InvalidDataException($"an LZ4 block at byte {at} does not decode to its {want} bytes");
            }

            at += packed;
            done += want;
        }
    }
}
