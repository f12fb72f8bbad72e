using FastNmf.Memory;

namespace FastNmf.Kernels.Lanes;

/// <summary>
/// Moves factors between the solver's component-major layout (K × n, one component per row) and the tiled lane layout
/// of the sparse kernels (<see cref="LaneTiles"/>: per tile, n rows of its lanes), the pad lanes left as they are.
/// Blocks of 64 rows keep the written lane rows in L1.
/// </summary>
internal static unsafe class LaneTranspose
{
    private const int Block = 64;

    /// <summary><c>dst[i, c] = src[c, i]</c> for c &lt; src.Rows, i ∈ [begin, end); dst holds <paramref name="n"/> rows.</summary>
    public static void ToTiles(MatrixView src, float* dst, LaneTiles tiles, long n, int begin, int end)
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

    /// <summary><c>dst[c, i] = src[i, c]</c> for c &lt; dst.Rows, i ∈ [begin, end); src holds <paramref name="n"/> rows.</summary>
    public static void FromTiles(float* src, LaneTiles tiles, long n, MatrixView dst, int begin, int end)
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

    /// <summary><c>dst[c, i] = (float)src[i, c]</c>: reduced double accumulators in the tiled lane layout back to the
    /// component-major factor.</summary>
    public static void FromTiles(double* src, LaneTiles tiles, long n, MatrixView dst, int begin, int end)
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
