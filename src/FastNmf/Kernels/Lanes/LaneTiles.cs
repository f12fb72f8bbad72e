namespace FastNmf.Kernels.Lanes;

/// <summary>
/// The lane layout of K stacked components at one vector width: K padded to whole vectors, the vectors split into
/// tiles of at most <see cref="TileLanes"/> lanes (as evenly as they go: 19 vectors of 16 are 3 + 3 + 3 + 3 + 3 + 2 + 2),
/// and a matrix of n rows of lanes stored tile after tile: tile t's rows are <see cref="Width"/>[t] floats long and
/// start at <c>n · </c><see cref="Start"/>[t]. A kernel takes one tile at a time, so its rows are a compile-time length
/// and a span's 256 rows of a tile stay near the core (in L1, or L2 for the widest) while many segments are accumulated
/// against them.
/// </summary>
/// <remarks>How wide: each nonzero costs its index, broadcast and address once per tile, so wide tiles amortise them,
/// until the panel leaves L1. The C probe of the inner loop alone (perf/floor/sparse_tile_floor.c) on an Emerald Rapids
/// core (48 KiB L1, segments of ~95 nonzeros of varying length): 2 vectors of 16 lanes 0.65 multiply-adds per cycle,
/// 3 vectors 0.80, 4 vectors 0.86, 6 vectors 0.76. In the products (`perf -- phases`, K = 300 on the 58×58 set, both
/// products, minimum of a second, the same session): 32-lane tiles 199 ms, 48 lanes 170–179 ms, 64 lanes 178 ms,
/// 80 lanes 196 ms; at K = 40 on the paper's set 48 lanes (one tile) 11.3 ms against 15.7 ms as 32 + 16.</remarks>
internal sealed class LaneTiles
{
    /// <summary>Vectors per tile at most (the kernels' register blocking): six, with even and odd accumulators, are twelve
    /// registers (AVX2 has sixteen).</summary>
    public const int MaxVectors = 6;

    /// <summary>Lanes per tile at most at <paramref name="width"/>: 48 (a 48 KiB panel of 256 rows: three vectors at
    /// AVX-512, six at AVX2 — not re-measured on an AVX2-only core) for the vector widths, 6 for the scalar reference.</summary>
    public static int TileLanes(LaneWidth width) => width == LaneWidth.Scalar ? MaxVectors : 48;

    public LaneTiles(int rows, LaneWidth width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        Rows = rows;
        int vector = LaneWidths.Count(width);
        int vectors = (rows + vector - 1) / vector;
        int perTile = Math.Clamp(TileLanes(width) / vector, 1, MaxVectors);
        int count = (vectors + perTile - 1) / perTile;
        Vectors = new int[count];
        Start = new int[count + 1];
        for (int t = 0; t < count; t++)
        {
            Vectors[t] = (vectors / count) + (t < vectors % count ? 1 : 0);
            Start[t + 1] = Start[t] + (Vectors[t] * vector);
        }

        Width = Enumerable.Range(0, count).Select(t => Start[t + 1] - Start[t]).ToArray();
        Lanes = Start[count];
    }

    /// <summary>K: the real lanes (the rest, up to <see cref="Lanes"/>, are zero padding).</summary>
    public int Rows { get; }

    /// <summary>All lanes, K padded to whole vectors.</summary>
    public int Lanes { get; }

    public int Count => Vectors.Length;

    /// <summary>Vectors in each tile.</summary>
    public int[] Vectors { get; }

    /// <summary>Lanes in each tile.</summary>
    public int[] Width { get; }

    /// <summary>First lane of each tile, and <see cref="Lanes"/> last.</summary>
    public int[] Start { get; }

    /// <summary>Offset (in elements) of tile <paramref name="t"/>'s matrix in a buffer of <paramref name="n"/> rows.</summary>
    public long Offset(int t, long n) => n * Start[t];
}
