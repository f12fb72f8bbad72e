using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastNmf.Storage;

/// <summary>
/// Counting and compacting the nonzeros of uint16 counts eight at a time (SSSE3: a byte shuffle from a table indexed by
/// the eight lanes' nonzero mask moves the nonzero values, and their positions, to the front), for building the sparse
/// copies of counted X: the scalar loop spent ~6 instructions per value, most of a 256×256 scan's storage phase. The
/// scalar twins (<see cref="CountScalar"/>, <see cref="CompactScalar"/>) give the same counts and entries.
/// </summary>
internal static unsafe class CountCompaction
{
    // For each 8-bit mask: the byte shuffle that gathers the uint16 lanes whose bit is set (pairs of bytes), then zeros.
    private static readonly byte[] s_values = Table(valueBytes: 2);

    // The same for one byte per lane (the positions).
    private static readonly byte[] s_positions = Table(valueBytes: 1);

    public static bool IsAccelerated => Ssse3.IsSupported && Popcnt.IsSupported;

    /// <summary>Nonzeros among <paramref name="n"/> values.</summary>
    public static int Count(ushort* values, int n)
    {
        if (!IsAccelerated)
        {
            return CountScalar(values, n);
        }

        int c = 0, i = 0;
        for (; i + 8 <= n; i += 8)
        {
            uint zeros = Vector128.Equals(Vector128.Load(values + i), Vector128<ushort>.Zero).ExtractMostSignificantBits();
            c += BitOperations.PopCount(~zeros & 0xFF);
        }

        for (; i < n; i++)
        {
            c += values[i] == 0 ? 0 : 1;
        }

        return c;
    }

    public static int CountScalar(ushort* values, int n)
    {
        int c = 0;
        for (int i = 0; i < n; i++)
        {
            c += values[i] == 0 ? 0 : 1;
        }

        return c;
    }

    /// <summary>
    /// The nonzeros of <paramref name="n"/> ≤ 256 values as (index, value), in order, into <paramref name="positions"/>
    /// and <paramref name="into"/>; returns how many. Both outputs need room for n + 16 entries (whole vectors are stored).
    /// </summary>
    public static int Compact(ushort* values, int n, byte* positions, ushort* into)
    {
        if (!IsAccelerated)
        {
            return CompactScalar(values, n, positions, into);
        }

        fixed (byte* valueTable = s_values)
        fixed (byte* positionTable = s_positions)
        {
            int at = 0, i = 0;
            Vector128<byte> lanes = Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0);
            Vector128<byte> step = Vector128.Create((byte)8);
            for (; i + 8 <= n; i += 8)
            {
                Vector128<ushort> v = Vector128.Load(values + i);
                uint mask = ~Vector128.Equals(v, Vector128<ushort>.Zero).ExtractMostSignificantBits() & 0xFF;
                Ssse3.Shuffle(v.AsByte(), Vector128.Load(valueTable + (mask * 16))).Store((byte*)(into + at));
                Ssse3.Shuffle(lanes, Vector128.Load(positionTable + (mask * 16))).Store(positions + at);
                at += BitOperations.PopCount(mask);
                lanes += step;
            }

            for (; i < n; i++)
            {
                ushort v = values[i];
                positions[at] = (byte)i;
                into[at] = v;
                at += v == 0 ? 0 : 1;
            }

            return at;
        }
    }

    /// <summary><c>d[c, r] = s[r, c]</c> for an 8 × 8 block of uint16 (row strides in elements): the unpack sequence on
    /// 16-, 32- and 64-bit lanes.</summary>
    public static void Transpose8x8(ushort* s, long sStride, ushort* d, long dStride)
    {
        Vector128<ushort> r0 = Vector128.Load(s), r1 = Vector128.Load(s + sStride), r2 = Vector128.Load(s + (2 * sStride)), r3 = Vector128.Load(s + (3 * sStride));
        Vector128<ushort> r4 = Vector128.Load(s + (4 * sStride)), r5 = Vector128.Load(s + (5 * sStride)), r6 = Vector128.Load(s + (6 * sStride)), r7 = Vector128.Load(s + (7 * sStride));
        Vector128<uint> a0 = Sse2.UnpackLow(r0, r1).AsUInt32(), a1 = Sse2.UnpackHigh(r0, r1).AsUInt32(), a2 = Sse2.UnpackLow(r2, r3).AsUInt32(), a3 = Sse2.UnpackHigh(r2, r3).AsUInt32();
        Vector128<uint> a4 = Sse2.UnpackLow(r4, r5).AsUInt32(), a5 = Sse2.UnpackHigh(r4, r5).AsUInt32(), a6 = Sse2.UnpackLow(r6, r7).AsUInt32(), a7 = Sse2.UnpackHigh(r6, r7).AsUInt32();
        Vector128<ulong> b0 = Sse2.UnpackLow(a0, a2).AsUInt64(), b1 = Sse2.UnpackHigh(a0, a2).AsUInt64(), b2 = Sse2.UnpackLow(a1, a3).AsUInt64(), b3 = Sse2.UnpackHigh(a1, a3).AsUInt64();
        Vector128<ulong> b4 = Sse2.UnpackLow(a4, a6).AsUInt64(), b5 = Sse2.UnpackHigh(a4, a6).AsUInt64(), b6 = Sse2.UnpackLow(a5, a7).AsUInt64(), b7 = Sse2.UnpackHigh(a5, a7).AsUInt64();
        Sse2.UnpackLow(b0, b4).AsUInt16().Store(d);
        Sse2.UnpackHigh(b0, b4).AsUInt16().Store(d + dStride);
        Sse2.UnpackLow(b1, b5).AsUInt16().Store(d + (2 * dStride));
        Sse2.UnpackHigh(b1, b5).AsUInt16().Store(d + (3 * dStride));
        Sse2.UnpackLow(b2, b6).AsUInt16().Store(d + (4 * dStride));
        Sse2.UnpackHigh(b2, b6).AsUInt16().Store(d + (5 * dStride));
        Sse2.UnpackLow(b3, b7).AsUInt16().Store(d + (6 * dStride));
        Sse2.UnpackHigh(b3, b7).AsUInt16().Store(d + (7 * dStride));
    }

    public static int CompactScalar(ushort* values, int n, byte* positions, ushort* into)
    {
        int at = 0;
        for (int i = 0; i < n; i++)
        {
            ushort v = values[i];
            positions[at] = (byte)i;
            into[at] = v;
            at += v == 0 ? 0 : 1;
        }

        return at;
    }

    // 256 shuffles of 16 bytes: lanes of valueBytes bytes whose mask bit is set, packed to the front; 0x80 (zero) after.
    private static byte[] Table(int valueBytes)
    {
        var t = new byte[256 * 16];
        for (int mask = 0; mask < 256; mask++)
        {
            int o = 0;
            for (int lane = 0; lane < 8; lane++)
            {
                if ((mask & (1 << lane)) == 0)
                {
                    continue;
                }

                for (int b = 0; b < valueBytes; b++)
                {
                    t[(mask * 16) + o++] = (byte)((lane * valueBytes) + b);
                }
            }

            for (; o < 16; o++)
            {
                t[(mask * 16) + o] = 0x80;
            }
        }

        return t;
    }
}
