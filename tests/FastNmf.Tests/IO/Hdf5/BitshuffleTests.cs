using System.Buffers.Binary;
using FastNmf.Hdf5.Filters;
using NUnit.Framework;

namespace FastNmf.Tests.IO.Hdf5;

[TestFixture]
public sealed class BitshuffleTests
{
    private static IEnumerable<TestCaseData> Blocks()
    {
        foreach (int size in new[] { 1, 2, 4, 8 })
        {
            foreach (int count in new[] { 8, 16, 24, 64, 200, 256, 264, 520, 4096, 4104 })
            {
                yield return new TestCaseData(size, count);
            }
        }
    }

    [TestCaseSource(nameof(Blocks))]
    public void UnshuffleBlock_RandomPlanes_MatchesTheBitByBitReference(int elementSize, int count)
    {
        byte[] planes = RandomBytes(count * elementSize, seed: (elementSize * 1000) + count);
        var fast = new byte[planes.Length];
        var reference = new byte[planes.Length];

        Bitshuffle.UnshuffleBlock(planes, fast, count, elementSize);
        Bitshuffle.UnshuffleBlockReference(planes, reference, count, elementSize);

        Assert.That(fast, Is.EqualTo(reference));
    }

    /// <summary>The scalar twin alone (what a machine without SSE2 runs, and the vector kernel's tail) against the reference.</summary>
    [TestCaseSource(nameof(Blocks))]
    public void UnshuffleBlockScalar_RandomPlanes_MatchesTheBitByBitReference(int elementSize, int count)
    {
        byte[] planes = RandomBytes(count * elementSize, seed: (elementSize * 7000) + count);
        var scalar = new byte[planes.Length];
        var reference = new byte[planes.Length];

        Bitshuffle.UnshuffleBlockScalar(planes, scalar, count, elementSize);
        Bitshuffle.UnshuffleBlockReference(planes, reference, count, elementSize);

        Assert.That(scalar, Is.EqualTo(reference));
    }

    /// <summary>The SSE2 kernel is what UnshuffleBlock runs on whole tiles here: this machine must have it, or the parity
    /// tests above would only test the scalar code twice.</summary>
    [Test]
    public void UnshuffleBlock_HasItsVectorKernelOnThisMachine() =>
        Assert.That(BitshuffleSse2.IsSupported, Is.True, "x86-64 always has SSE2");

    [TestCaseSource(nameof(Blocks))]
    public void ShuffleBlock_ThenUnshuffle_IsTheIdentity(int elementSize, int count)
    {
        byte[] elements = RandomBytes(count * elementSize, seed: count - elementSize);
        var planes = new byte[elements.Length];
        var back = new byte[elements.Length];

        Bitshuffle.ShuffleBlock(elements, planes, count, elementSize);
        Bitshuffle.UnshuffleBlock(planes, back, count, elementSize);

        Assert.That(back, Is.EqualTo(elements));
    }

    [Test]
    public void ShuffleBlock_HandCheckedUInt16Vector_PutsEachBitInItsPlane()
    {
        // Eight uint16 elements; only element 2 has bit 0 of byte 0 and element 7 bit 1 of byte 1 (value 0x0200).
        ushort[] values = [0, 0, 1, 0, 0, 0, 0, 0x0200];
        byte[] elements = new byte[16];
        for (int i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(elements.AsSpan(2 * i), values[i]);
        }

        var planes = new byte[16];
        Bitshuffle.ShuffleBlock(elements, planes, 8, 2);

        var expected = new byte[16];
        expected[0] = 0b0000_0100; // plane 0 (byte 0, bit 0): element 2
        expected[9] = 0b1000_0000; // plane 8 + 1 (byte 1, bit 1): element 7
        Assert.That(planes, Is.EqualTo(expected));
    }

    [Test]
    public void Transpose8x8_KnownMatrices_TransposeAndUndoThemselves()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Bitshuffle.Transpose8x8(0xFFUL), Is.EqualTo(0x0101010101010101UL), "row 0 full -> column 0 full");
            Assert.That(Bitshuffle.Transpose8x8(0x8000000000000000UL), Is.EqualTo(0x8000000000000000UL), "(7, 7) stays");
            Assert.That(Bitshuffle.Transpose8x8(0x0000000000000080UL), Is.EqualTo(0x0100000000000000UL), "(0, 7) -> (7, 0)");
        });
        ulong x = 0x0123456789ABCDEFUL;
        Assert.That(Bitshuffle.Transpose8x8(Bitshuffle.Transpose8x8(x)), Is.EqualTo(x));
    }

    [TestCase(1, 0)]
    [TestCase(2, 0)]
    [TestCase(2, 32)]
    [TestCase(4, 16)]
    [TestCase(8, 8)]
    public void EncodeLz4_ThenDecode_RestoresChunksWithShortLastBlocksAndLeftovers(int elementSize, int blockSize)
    {
        foreach (int elements in new[] { 1, 7, 8, 9, 63, 200, 5001 })
        {
            byte[] data = RandomBytes(elements * elementSize, seed: elements);
            byte[] chunk = BitshuffleCodec.EncodeLz4(data, elementSize, blockSize);
            Assert.That(BitshuffleCodec.Decode(chunk, elementSize, 0, BitshuffleCodec.Lz4, data.Length), Is.EqualTo(data), $"{elements} elements");
        }
    }

    [Test]
    public void Decode_Malformed_NamesWhatIsWrong()
    {
        byte[] data = RandomBytes(2 * 100, seed: 3);
        byte[] chunk = BitshuffleCodec.EncodeLz4(data, 2, 32);
        Assert.Multiple(() =>
        {
            Assert.That(Fails(chunk[..10]), Does.Contain("shorter than its 12-byte header"));
            Assert.That(Fails(With(chunk, c => BinaryPrimitives.WriteUInt64BigEndian(c, 202))), Does.Contain("says 202 uncompressed bytes"));
            Assert.That(Fails(With(chunk, c => BinaryPrimitives.WriteUInt32BigEndian(c.AsSpan(8), 6))), Does.Contain("block of 6 bytes"));
            Assert.That(Fails(With(chunk, c => BinaryPrimitives.WriteUInt32BigEndian(c.AsSpan(12), 100_000))), Does.Contain("claims 100000 compressed bytes"));
            Assert.That(Fails(chunk[..^5]), Does.Contain("ends at byte"));
            Assert.That(Fails(With(chunk, c => c.AsSpan(16, 8).Fill(0xFF))), Does.Contain("LZ4 block at byte 16"));
        });
        Assert.That(Assert.Throws<InvalidDataException>(() => BitshuffleCodec.Decode(chunk, 2, 0, 3, 200))!.Message, Does.Contain("Zstandard"));

        string Fails(byte[] c) => Assert.Throws<InvalidDataException>(() => BitshuffleCodec.Decode(c, 2, 0, BitshuffleCodec.Lz4, 200))!.Message;
    }

    [Test]
    public void Decode_PlainBitshuffle_UsesTheBlockSizeFromTheParameters()
    {
        byte[] data = RandomBytes(4 * 52, seed: 5);
        var chunk = new byte[data.Length];
        Bitshuffle.ShuffleBlock(data.AsSpan(0, 4 * 24), chunk, 24, 4);
        Bitshuffle.ShuffleBlock(data.AsSpan(4 * 24, 4 * 24), chunk.AsSpan(4 * 24), 24, 4);
        data.AsSpan(4 * 48).CopyTo(chunk.AsSpan(4 * 48)); // 52 = 2 × 24 + 4 leftover elements, stored as they are

        Assert.That(BitshuffleCodec.Decode(chunk, 4, 24, BitshuffleCodec.NoCompression, data.Length), Is.EqualTo(data));
    }

    private static byte[] With(byte[] chunk, Action<byte[]> change)
    {
        byte[] copy = (byte[])chunk.Clone();
        change(copy);
        return copy;
    }

    private static byte[] RandomBytes(int n, int seed)
    {
        var bytes = new byte[n];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
