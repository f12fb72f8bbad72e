using System.Numerics;
using FastNmf.Memory;
using FastNmf.Storage;

namespace FastNmf.Data;

/// <summary>
/// X of a scan binned F × F: each coarse position the sum of the F × F positions it covers (counts stay counts), the
/// scan rows and columns left over at the far edges dropped. Counted X stays uint16 when every sum fits (else float32,
/// the sums formed exactly in 32-bit integers first); real-valued X is summed in double and stored as float32.
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

    // Sums in uint per coarse frame; uint16 when the largest fits, float32 otherwise.
    private static UnfoldedData Counts<T>(T* data, long stride, UnfoldedData x, int factor, int rows, int cols)
        where T : unmanaged, INumberBase<T>
    {
        int nUv = x.NUv, frames = rows * cols;
        long outStride = (nUv + 31L) & ~31L;
        var sums = new AlignedBuffer<uint>((long)frames * nUv, "binned X (32-bit sums)", zeroed: false);
        try
        {
            uint* s = sums.Pointer;
            var largest = new uint[frames];
            Parallel.For(0, frames, j =>
            {
                int r = j / cols, c = j % cols;
                uint* to = s + ((long)j * nUv);
                new Span<uint>(to, nUv).Clear();
                for (int dr = 0; dr < factor; dr++)
                {
                    for (int dc = 0; dc < factor; dc++)
                    {
                        T* from = data + ((((long)((r * factor) + dr) * x.ScanCols) + (c * factor) + dc) * stride);
                        for (int u = 0; u < nUv; u++)
                        {
                            to[u] += uint.CreateTruncating(from[u]);
                        }
                    }
                }

                uint max = 0;
                for (int u = 0; u < nUv; u++)
                {
                    max = Math.Max(max, to[u]);
                }

                largest[j] = max;
            });

            var slab = ScanSlab.Whole(rows, cols);
            if (largest.Max() <= ushort.MaxValue)
            {
                var values = new AlignedBuffer<ushort>(Math.Max(1, outStride * frames), "binned X (uint16)");
                Parallel.For(0, frames, j =>
                {
                    ushort* to = values.Pointer + (j * outStride);
                    uint* from = s + ((long)j * nUv);
                    for (int u = 0; u < nUv; u++)
                    {
                        to[u] = (ushort)from[u];
                    }
                });
                return new UnfoldedData(default, UInt16Frames.Over(values.Pointer, values, frames, nUv, outStride), null, x.Pixels, slab);
            }

            long fStride = (nUv + 15L) & ~15L;
            var floats = new AlignedBuffer<float>(Math.Max(1, fStride * frames), "binned X (float32)");
            Parallel.For(0, frames, j =>
            {
                float* to = floats.Pointer + (j * fStride);
                uint* from = s + ((long)j * nUv);
                for (int u = 0; u < nUv; u++)
                {
                    to[u] = from[u];
                }
            });
            return new UnfoldedData(MatrixView.Over(floats, frames, nUv, fStride), null, floats, x.Pixels, slab);
        }
        finally
        {
            sums.Dispose();
        }
    }

    private static UnfoldedData Float32(UnfoldedData x, int factor, int rows, int cols)
    {
        MatrixView src = x.Frames;
        int nUv = x.NUv, frames = rows * cols;
        long fStride = (nUv + 15L) & ~15L;
        var floats = new AlignedBuffer<float>(Math.Max(1, fStride * frames), "binned X (float32)");
        Parallel.For(0, frames, j =>
        {
            int r = j / cols, c = j % cols;
            var sum = new double[nUv];
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
        });
        return new UnfoldedData(MatrixView.Over(floats, frames, nUv, fStride), null, floats, x.Pixels, ScanSlab.Whole(rows, cols));
    }
}
