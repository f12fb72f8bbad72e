using System.Numerics;
using FastNmf.Memory;
using FastNmf.Storage;

namespace FastNmf.Data;

/// <summary>
/// X of a scan binned F × F: each coarse position the sum of the F × F positions it covers (counts stay counts), the
/// scan rows and columns left over at the far edges dropped. Counted X stays uint16 when every sum fits (else float32,
/// the sums formed exactly in 64-bit integers first); real-valued X is summed in double and stored as float32.
/// (The readers' BinnedFrameSource bins whole detector frames as they are read, by the same sums; this bins X already
/// in memory, its kept pixels only.)
/// </summary>
internal static unsafe class ScanBinning
{
    public static UnfoldedData Bin(UnfoldedData x, int factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 2);
        if (!x.Slab.IsWhole)
        {
            throw new ArgumentException("a binned scan is made from the whole scan (this X is one rank's slab).", nameof(x));
        }

        int rows = x.ScanRows / factor, cols = x.ScanCols / factor;
        if (rows < 1 || cols < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"a {x.ScanRows}×{x.ScanCols} scan has no {factor}×{factor} block to bin.");
        }

        return x.IsUInt16 ? Counts(x.Counts!.Pointer, x.Counts.Stride, x, factor, rows, cols)
            : x.IsCounts ? Counts(x.Frames.Data, x.Frames.Stride, x, factor, rows, cols)
            : Float32(x, factor, rows, cols);
    }

    // Sums in ulong per coarse frame (a thread's own buffer of one frame), written as uint16 — no 4-byte copy of the binned
    // scan at any point; when a sum does not fit, the whole X is binned again as float32 (integer sums, exact below 2^24).
    private static UnfoldedData Counts<T>(T* data, long stride, UnfoldedData x, int factor, int rows, int cols)
        where T : unmanaged, INumberBase<T>
    {
        int nUv = x.NUv, frames = rows * cols;
        long outStride = (nUv + 31L) & ~31L;
        var values = new AlignedBuffer<ushort>(Math.Max(1, outStride * frames), "binned X (uint16)", zeroed: false);
        int overflow = 0;
        Parallel.For(0, frames, () => new ulong[nUv], (j, _, sum) =>
        {
            Sum(data, stride, x.ScanCols, factor, j / cols, j % cols, sum);
            ushort* to = values.Pointer + (j * outStride);
            ulong max = 0;
            for (int u = 0; u < nUv; u++)
            {
                max = Math.Max(max, sum[u]);
                to[u] = (ushort)sum[u];
            }

            new Span<ushort>(to + nUv, (int)(outStride - nUv)).Clear();
            if (max > ushort.MaxValue)
            {
                Interlocked.Exchange(ref overflow, 1);
            }

            return sum;
        }, _ => { });
        if (overflow == 0)
        {
            return new UnfoldedData(default, UInt16Frames.Over(values.Pointer, values, frames, nUv, outStride), null, x.Pixels, ScanSlab.Whole(rows, cols));
        }

        values.Dispose();
        long fStride = (nUv + 15L) & ~15L;
        var floats = new AlignedBuffer<float>(Math.Max(1, fStride * frames), "binned X (float32)");
        Parallel.For(0, frames, () => new ulong[nUv], (j, _, sum) =>
        {
            Sum(data, stride, x.ScanCols, factor, j / cols, j % cols, sum);
            float* to = floats.Pointer + (j * fStride);
            for (int u = 0; u < nUv; u++)
            {
                to[u] = sum[u];
            }

            return sum;
        }, _ => { });
        return new UnfoldedData(MatrixView.Over(floats, frames, nUv, fStride), null, floats, x.Pixels, ScanSlab.Whole(rows, cols));
    }

    // sum[u] = Σ over the factor × factor positions of coarse position (r, c) of x_u.
    private static void Sum<T>(T* data, long stride, int scanCols, int factor, int r, int c, ulong[] sum)
        where T : unmanaged, INumberBase<T>
    {
        Array.Clear(sum);
        for (int dr = 0; dr < factor; dr++)
        {
            for (int dc = 0; dc < factor; dc++)
            {
                T* from = data + ((((long)((r * factor) + dr) * scanCols) + (c * factor) + dc) * stride);
                for (int u = 0; u < sum.Length; u++)
                {
                    sum[u] += ulong.CreateTruncating(from[u]);
                }
            }
        }
    }

    private static UnfoldedData Float32(UnfoldedData x, int factor, int rows, int cols)
    {
        MatrixView src = x.Frames;
        int nUv = x.NUv, frames = rows * cols;
        long fStride = (nUv + 15L) & ~15L;
        var floats = new AlignedBuffer<float>(Math.Max(1, fStride * frames), "binned X (float32)");
        Parallel.For(0, frames, () => new double[nUv], (j, _, sum) =>
        {
            int r = j / cols, c = j % cols;
            Array.Clear(sum);
            for (int dr = 0; dr < factor; dr++)
            {
                for (int dc = 0; dc < factor; dc++)
                {
                    ReadOnlySpan<float> from = src.Row(((r * factor) + dr) * x.ScanCols + (c * factor) + dc);
                    for (int u = 0; u < nUv; u++)
                    {
                        sum[u] += from[u];
                    }
                }
            }

            float* to = floats.Pointer + (j * fStride);
            for (int u = 0; u < nUv; u++)
            {
                to[u] = (float)sum[u];
            }

            return sum;
        }, _ => { });
        return new UnfoldedData(MatrixView.Over(floats, frames, nUv, fStride), null, floats, x.Pixels, ScanSlab.Whole(rows, cols));
    }
}
