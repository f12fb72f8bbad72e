using FastNmf.Memory;

namespace FastNmf.Kernels.Lanes;

/// <summary>
/// Moves factors between the solver's component-major layout (K × n, one component per row) and the lane layout of the
/// sparse kernels (n × lanes, one pixel or frame per row, K components as lanes, the pad lanes left as they are). Tiles of
/// 64 rows keep the written lane rows in L1.
/// </summary>
internal static unsafe class LaneTranspose
{
    private const int Tile = 64;

    /// <summary><c>dst[i, c] = src[c, i]</c> for c &lt; src.Rows, i ∈ [begin, end).</summary>
    public static void ToLanes(MatrixView src, float* dst, int lanes, int begin, int end)
    {
        for (int i0 = begin; i0 < end; i0 += Tile)
        {
            int i1 = Math.Min(end, i0 + Tile);
            for (int c = 0; c < src.Rows; c++)
            {
                float* s = src.RowPointer(c);
                for (int i = i0; i < i1; i++)
                {
                    dst[((long)i * lanes) + c] = s[i];
                }
            }
        }
    }

    /// <summary><c>dst[c, i] = src[i, c]</c> for c &lt; dst.Rows, i ∈ [begin, end).</summary>
    public static void FromLanes(float* src, int lanes, MatrixView dst, int begin, int end)
    {
        for (int i0 = begin; i0 < end; i0 += Tile)
        {
            int i1 = Math.Min(end, i0 + Tile);
            for (int c = 0; c < dst.Rows; c++)
            {
                float* d = dst.RowPointer(c);
                for (int i = i0; i < i1; i++)
                {
                    d[i] = src[((long)i * lanes) + c];
                }
            }
        }
    }

    /// <summary><c>dst[c, i] = (float)src[i, c]</c> for c &lt; dst.Rows, i ∈ [begin, end): reduced double accumulators
    /// in lane layout back to the component-major factor.</summary>
    public static void FromLanes(double* src, int lanes, MatrixView dst, int begin, int end)
    {
        for (int i0 = begin; i0 < end; i0 += Tile)
        {
            int i1 = Math.Min(end, i0 + Tile);
            for (int c = 0; c < dst.Rows; c++)
            {
                float* d = dst.RowPointer(c);
                for (int i = i0; i < i1; i++)
                {
                    d[i] = (float)src[((long)i * lanes) + c];
                }
            }
        }
    }
}
