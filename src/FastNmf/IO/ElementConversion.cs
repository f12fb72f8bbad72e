using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace FastNmf.IO;

/// <summary>Converts raw element bytes of any supported dtype to float32; shared by every reader.</summary>
internal static class ElementConversion
{
    /// <summary>Byte-swaps elements of <paramref name="itemSize"/> bytes in place (big-endian files on little-endian hosts).</summary>
    internal static void ReverseEndianness(Span<byte> chunk, int itemSize)
    {
        switch (itemSize)
        {
            case 2:
                Span<ushort> halves = MemoryMarshal.Cast<byte, ushort>(chunk);
                BinaryPrimitives.ReverseEndianness(halves, halves);
                break;
            case 4:
                Span<uint> words = MemoryMarshal.Cast<byte, uint>(chunk);
                BinaryPrimitives.ReverseEndianness(words, words);
                break;
            case 8:
                Span<ulong> longs = MemoryMarshal.Cast<byte, ulong>(chunk);
                BinaryPrimitives.ReverseEndianness(longs, longs);
                break;
        }
    }

    /// <summary>Converts native-endian elements of <paramref name="dtype"/> to <see cref="float"/>.</summary>
    internal static void ToFloat32(ReadOnlySpan<byte> chunk, Span<float> target, NpyDtype dtype)
    {
        switch (dtype)
        {
            case NpyDtype.Float32:
                MemoryMarshal.Cast<byte, float>(chunk).CopyTo(target);
                break;
            case NpyDtype.Float64:
                Widen(MemoryMarshal.Cast<byte, double>(chunk), target);
                break;
            case NpyDtype.Float16:
                Widen(MemoryMarshal.Cast<byte, Half>(chunk), target);
                break;
            case NpyDtype.Int8:
                Widen(MemoryMarshal.Cast<byte, sbyte>(chunk), target);
                break;
            case NpyDtype.UInt8:
                Widen(chunk, target);
                break;
            case NpyDtype.Int16:
                Widen(MemoryMarshal.Cast<byte, short>(chunk), target);
                break;
            case NpyDtype.UInt16:
                Widen(MemoryMarshal.Cast<byte, ushort>(chunk), target);
                break;
            case NpyDtype.Int32:
                Widen(MemoryMarshal.Cast<byte, int>(chunk), target);
                break;
            case NpyDtype.UInt32:
                Widen(MemoryMarshal.Cast<byte, uint>(chunk), target);
                break;
            case NpyDtype.Int64:
                Widen(MemoryMarshal.Cast<byte, long>(chunk), target);
                break;
            case NpyDtype.UInt64:
                Widen(MemoryMarshal.Cast<byte, ulong>(chunk), target);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype");
        }
    }

    // CreateTruncating is the plain C# conversion for every source type here: round-to-nearest for wide integers
    // and doubles, exact for the rest.
    private static void Widen<T>(ReadOnlySpan<T> source, Span<float> target) where T : unmanaged, INumberBase<T>
    {
        for (int i = 0; i < source.Length; i++)
        {
            target[i] = float.CreateTruncating(source[i]);
        }
    }
}
