using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FastNmf.Memory;

namespace FastNmf.Kernels.Lanes;

/// <summary>
/// Moves factors between the solver's component-major layout (K × n, one component per row) and the tiled lane layout
/// of the sparse kernels (<see cref="LaneTiles"/>: per tile, n rows of its lanes), the pad lanes left as they are.
/// With AVX, 8 × 8 blocks are transposed in registers (four of these per iteration move K = 300 rows of 16 384 and
/// 3 364 values: 9 ms on two cores element by element, Emerald Rapids); the rest, and machines without AVX, run the
/// element-by-element twins (<see cref="ToTilesScalar"/>, …), which give the same values (a transpose only moves them;
/// double → float rounds the same either way).
/// </summary>
internal static unsafe class LaneTranspose
{
    private const int Block = 64;

    /// <summary><c>dst[i, c] = src[c, i]</c> for c &lt; src.Rows, i ∈ [begin, end); dst holds <paramref name="n"/> rows.</summary>
    public static void ToTiles(MatrixView src, float* dst, LaneTiles tiles, long n, int begin, int end)
    {
        if (!Avx.IsSupported)
        {
            ToTilesScalar(src, dst, tiles, n, begin, end);
            return;
        }

        for (int t = 0; t < tiles.Count; t++)
        {
            int width = tiles.Width[t], first = tiles.Start[t], last = Math.Min(tiles.Start[t + 1], src.Rows);
            Move(src.RowPointer(first) + begin, src.Stride, dst + tiles.Offset(t, n) + ((long)begin * width), width, last - first, end - begin);
        }
    }

    /// <summary><c>dst[c, i] = src[i, c]</c> for c &lt; dst.Rows, i ∈ [begin, end); src holds <paramref name="n"/> rows.</summary>
    public static void FromTiles(float* src, LaneTiles tiles, long n, MatrixView dst, int begin, int end)
    {
        if (!Avx.IsSupported)
        {
            FromTilesScalar(src, tiles, n, dst, begin, end);
            return;
        }

        for (int t = 0; t < tiles.Count; t++)
        {
            int width = tiles.Width[t], first = tiles.Start[t], last = Math.Min(tiles.Start[t + 1], dst.Rows);
            Move(src + tiles.Offset(t, n) + ((long)begin * width), width, dst.RowPointer(first) + begin, dst.Stride, end - begin, last - first);
        }
    }

    /// <summary><c>dst[c, i] = (float)src[i, c]</c>: reduced double accumulators in the tiled lane layout back to the
    /// component-major factor.</summary>
    public static void FromTiles(double* src, LaneTiles tiles, long n, MatrixView dst, int begin, int end)
    {
        if (!Avx.IsSupported)
        {
            FromTilesScalar(src, tiles, n, dst, begin, end);
            return;
        }

        float* rows = stackalloc float[64];
        for (int t = 0; t < tiles.Count; t++)
        {
            double* tile = src + tiles.Offset(t, n);
            int width = tiles.Width[t], first = tiles.Start[t], last = Math.Min(tiles.Start[t + 1], dst.Rows);
            int c = first;
            for (; c + 8 <= last; c += 8)
            {
                int i = begin;
                for (; i + 8 <= end; i += 8)
                {
                    // Eight rows of eight lanes narrowed to float (vcvtpd2ps rounds as the scalar cast does), then transposed.
                    for (int r = 0; r < 8; r++)
                    {
                        double* from = tile + ((long)(i + r) * width) + (c - first);
                        Vector128<float> lo = Avx.ConvertToVector128Single(Avx.LoadVector256(from));
                        Vector128<float> hi = Avx.ConvertToVector128Single(Avx.LoadVector256(from + 4));
                        Avx.Store(rows + (8 * r), Vector256.Create(lo, hi));
                    }

                    Transpose8x8(rows, 8, dst.RowPointer(c) + i, dst.Stride);
                }

                for (; i < end; i++)
                {
                    for (int cc = c; cc < c + 8; cc++)
                    {
                        dst.RowPointer(cc)[i] = (float)tile[((long)i * width) + (cc - first)];
                    }
                }
            }

            for (; c < last; c++)
            {
                float* d = dst.RowPointer(c);
                for (int i = begin; i < end; i++)
                {
                    d[i] = (float)tile[((long)i * width) + (c - first)];
                }
            }
        }
    }

    // d[j, r] = s[r, j] for r < rows, j < cols (row strides in floats): 8 × 8 blocks in registers, the edges element by
    // element. Both directions of the float layouts are this move with source and destination swapped.
    private static void Move(float* s, long sStride, float* d, long dStride, int rows, int cols)
    {
        int r = 0;
        for (; r + 8 <= rows; r += 8)
        {
            int j = 0;
            for (; j + 8 <= cols; j += 8)
            {
                Transpose8x8(s + (r * sStride) + j, sStride, d + (j * dStride) + r, dStride);
            }

            for (; j < cols; j++)
            {
                for (int rr = r; rr < r + 8; rr++)
                {
                    d[(j * dStride) + rr] = s[(rr * sStride) + j];
                }
            }
        }

        for (; r < rows; r++)
        {
            for (int j = 0; j < cols; j++)
            {
                d[(j * dStride) + r] = s[(r * sStride) + j];
            }
        }
    }

    // d[j, r] = s[r, j] for an 8 × 8 block (row strides in floats): the usual unpack / shuffle / permute sequence.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* s, long sStride, float* d, long dStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + sStride), r2 = Avx.LoadVector256(s + (2 * sStride)), r3 = Avx.LoadVector256(s + (3 * sStride));
        Vector256<float> r4 = Avx.LoadVector256(s + (4 * sStride)), r5 = Avx.LoadVector256(s + (5 * sStride)), r6 = Avx.LoadVector256(s + (6 * sStride)), r7 = Avx.LoadVector256(s + (7 * sStride));
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + dStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + (2 * dStride), Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + (3 * dStride), Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + (4 * dStride), Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + (5 * dStride), Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + (6 * dStride), Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + (7 * dStride), Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>The element-by-element twin of <see cref="ToTiles"/>.</summary>
    public static void ToTilesScalar(MatrixView src, float* dst, LaneTiles tiles, long n, int begin, int end)
    {
        for (int t = 0; t < tiles.Count; t++)
        {
            float* tile = dst + tiles.Offset(t, n);
            int width = tiles.Width[t], first = tiles.Start[t], last = Math.Min(tiles.Start[t + 1], src.Rows);
            for (int i0 = begin; i0 < end; i0 += Block)
            {
                int i1 = Math.Min(end, i0 + Block);
                for (int c = first; c < last; c++)
                {
                    float* s = src.RowPointer(c);
                    float* d = tile + (c - first);
                    for (int i = i0; i < i1; i++)
                    {
                        d[(long)i * width] = s[i];
                    }
                }
            }
        }
    }

    /// <summary>The element-by-element twin of <see cref="FromTiles(float*, LaneTiles, long, MatrixView, int, int)"/>.</summary>
    public static void FromTilesScalar(float* src, LaneTiles tiles, long n, MatrixView dst, int begin, int end)
    {
        for (int t = 0; t < tiles.Count; t++)
        {
            float* tile = src + tiles.Offset(t, n);
            int width = tiles.Width[t], first = tiles.Start[t], last = Math.Min(tiles.Start[t + 1], dst.Rows);
            for (int i0 = begin; i0 < end; i0 += Block)
            {
                int i1 = Math.Min(end, i0 + Block);
                for (int c = first; c < last; c++)
                {
                    float* d = dst.RowPointer(c);
                    float* s = tile + (c - first);
                    for (int i = i0; i < i1; i++)
                    {
                        d[i] = s[(long)i * width];
                    }
                }
            }
        }
    }

    /// <summary>The element-by-element twin of <see cref="FromTiles(double*, LaneTiles, long, MatrixView, int, int)"/>.</summary>
    public static void FromTilesScalar(double* src, LaneTiles tiles, long n, MatrixView dst, int begin, int end)
    {
        for (int t = 0; t < tiles.Count; t++)
        {
            double* tile = src + tiles.Offset(t, n);
            int width = tiles.Width[t], first = tiles.Start[t], last = Math.Min(tiles.Start[t + 1], dst.Rows);
            for (int i0 = begin; i0 < end; i0 += Block)
            {
                int i1 = Math.Min(end, i0 + Block);
                for (int c = first; c < last; c++)
                {
                    float* d = dst.RowPointer(c);
                    double* s = tile + (c - first);
                    for (int i = i0; i < i1; i++)
                    {
                        d[i] = (float)s[(long)i * width];
                    }
                }
            }
        }
    }
}
