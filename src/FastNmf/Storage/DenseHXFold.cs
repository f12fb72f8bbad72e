using FastNmf.Kernels.Reductions;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>
/// H·X of dense X (float32 or uint16) as explicit block reductions: the detector is split across the team in chunks of
/// <see cref="ColumnChunk"/> columns (each thread owns its accumulator columns, so threads never reduce with each
/// other); within a thread's columns, tile by tile, every canonical frame block's partial is formed from zero by the
/// dense kernel and folded exactly into the double accumulators. The tile stays in cache while the block's frames
/// stream through, so the fold costs a few percent of the product.
/// </summary>
internal sealed unsafe class DenseHXFold : ITeamWork, IDisposable
{
    /// <summary>Columns per unit of the team's partition: multiples of 64 floats keep every part cache-line aligned.</summary>
    public const int ColumnChunk = 256;

    // A tile of the K accumulator rows is kept near 64 Ki floats (256 KiB, within L2) and at most 1024 columns.
    private const int TileFloats = 64 * 1024;

    private readonly IDenseTileProduct _product;
    private readonly FoldLayout _layout;
    private readonly AlignedBuffer<float>[] _tiles;
    private readonly int _tileCols;

    public DenseHXFold(IDenseTileProduct product, FoldLayout layout, int threads, int maxRows)
    {
        _product = product;
        _layout = layout;
        _tileCols = TileColumns(maxRows);
        _tiles = Enumerable.Range(0, threads).Select(_ => new AlignedBuffer<float>((long)maxRows * _tileCols, "H·X block tile")).ToArray();
    }

    /// <summary>Bytes of the per-thread tiles, for the run plan.</summary>
    public static long BytesFor(int threads, int maxRows) => 4L * threads * maxRows * TileColumns(maxRows);

    private static int TileColumns(int maxRows) => Math.Clamp(TileFloats / Math.Max(1, maxRows) / 64 * 64, 64, 1024);

    public MatrixView H { get; set; }

    public double* Power { get; set; }

    public double* Acc { get; set; }

    public long AccStride { get; set; }

    /// <summary>Items for <see cref="WorkerTeam.Run"/>: chunks of the detector.</summary>
    public int Items => (_layout.Pixels + ColumnChunk - 1) / ColumnChunk;

    public void Execute(int part, int start, int end)
    {
        int u0 = start * ColumnChunk;
        int u1 = Math.Min(end * ColumnChunk, _layout.Pixels);
        int k = H.Rows;
        float* tile = _tiles[part].Pointer;
        for (int c0 = u0; c0 < u1; c0 += _tileCols)
        {
            int width = Math.Min(_tileCols, u1 - c0);
            var view = new MatrixView(tile, k, width, _tileCols);
            double* acc = Acc + c0;
            for (int r = 0; r < k; r++)
            {
                new Span<double>(acc + (r * AccStride), width).Clear();
            }

            foreach ((int f0, int frames) in _layout.Blocks)
            {
                for (int r = 0; r < k; r++)
                {
                    view.Row(r).Clear();
                }

                _product.Accumulate(H, f0, frames, c0, view);
                ExactFold.AddRows(tile, _tileCols, acc, AccStride, k, width, Power, _layout.PixelMagic + c0);
            }
        }
    }

    public void Dispose()
    {
        foreach (AlignedBuffer<float> t in _tiles)
        {
            t.Dispose();
        }
    }
}
