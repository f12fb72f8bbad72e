using FastNmf.Kernels.Gemm;
using FastNmf.Kernels.Reductions;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>
/// Dense float32 X (frame-major, the caller's) with the <see cref="IFactorProducts"/> kernels: H·X split across the
/// team by detector columns and folded block by block (<see cref="DenseHXFold"/>), W·Xᵀ split by frames. A native BLAS
/// threads itself: one GEMM per canonical block into a whole-detector partial, folded across the team.
/// </summary>
internal sealed unsafe class DenseXOperand : IXOperand
{
    private readonly MatrixView _x;
    private readonly IFactorProducts _products;
    private readonly WorkerTeam _team;
    private readonly FoldLayout _layout;
    private readonly DenseHXFold? _fold;
    private readonly DenseWXWork _wx;
    private readonly AccumulatorToFactor _finish = new();
    private readonly BlasPartialFold? _blas;

    /// <param name="x">X as n_xy × n_uv frames (local frames); not owned.</param>
    /// <param name="products">The dense kernels.</param>
    /// <param name="team">The workers.</param>
    /// <param name="layout">Canonical blocks and pixel grids.</param>
    /// <param name="maxRows">Largest K (k × restarts per pass).</param>
    public DenseXOperand(MatrixView x, IFactorProducts products, WorkerTeam team, FoldLayout layout, int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        _x = x;
        _products = products;
        _team = team;
        _layout = layout;
        MaxRows = maxRows;
        _wx = new DenseWXWork(products);
        if (products.ThreadsItself)
        {
            _blas = new BlasPartialFold(layout, maxRows, x.Cols);
        }
        else
        {
            _fold = new DenseHXFold(new TileProduct(products, x), layout, team.Threads, maxRows);
        }
    }

    public string Description => $"dense float32, {_products.Name}";

    public int MaxRows { get; }

    /// <summary>Row stride of the accumulators: the detector rounded up to whole cache lines.</summary>
    private long AccStride => (_x.Cols + 7L) & ~7L;

    public long AccumulatorLength(int rows) => rows * AccStride;

    public void AccumulateHX(MatrixView h, double* componentPower, double* acc)
    {
        CheckRows(h.Rows);
        if (_blas is not null)
        {
            _blas.Run(_products, _team, _x, h, componentPower, acc, AccStride);
            return;
        }

        _fold!.H = h;
        _fold.Power = componentPower;
        _fold.Acc = acc;
        _fold.AccStride = AccStride;
        _team.Run(_fold, _fold.Items);
    }

    public void FinishHX(double* acc, MatrixView a)
    {
        _finish.Acc = acc;
        _finish.AccStride = AccStride;
        _finish.A = a;
        _team.Run(_finish, a.Rows);
    }

    public void MultiplyWX(MatrixView w, MatrixView dst)
    {
        CheckRows(w.Rows);
        if (_products.ThreadsItself)
        {
            _products.ProjectWX(w, _x, dst);
            return;
        }

        _wx.W = w;
        _wx.X = _x;
        _wx.Dst = dst;
        _team.Run(_wx, _x.Rows, 16);
    }

    public void Dispose()
    {
        _fold?.Dispose();
        _blas?.Dispose();
    }

    private void CheckRows(int rows)
    {
        if (rows < 1 || rows > MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"the operand was sized for up to {MaxRows} rows, got {rows}.");
        }
    }

    private sealed class TileProduct(IFactorProducts products, MatrixView x) : IDenseTileProduct
    {
        public void Accumulate(MatrixView h, int frame0, int frames, int col0, MatrixView tile) =>
            products.AccumulateHX(h.ColumnSlice(frame0, frames), x.RowSlice(frame0, frames).ColumnSlice(col0, tile.Cols), tile);
    }

    // A native BLAS threads itself: per canonical block one GEMM into a whole-detector partial, which the team folds.
    private sealed class BlasPartialFold : ITeamWork, IDisposable
    {
        private readonly FoldLayout _layout;
        private readonly AlignedBuffer<float> _partial;
        private readonly long _stride;
        private double* _power;
        private double* _acc;
        private long _accStride;
        private int _rows;

        public BlasPartialFold(FoldLayout layout, int maxRows, int pixels)
        {
            _layout = layout;
            _stride = (pixels + 15L) & ~15L;
            _partial = new AlignedBuffer<float>(maxRows * _stride, "H·X block partial (BLAS)");
        }

        public void Run(IFactorProducts products, WorkerTeam team, MatrixView x, MatrixView h, double* power, double* acc, long accStride)
        {
            _power = power;
            _acc = acc;
            _accStride = accStride;
            _rows = h.Rows;
            for (int r = 0; r < h.Rows; r++)
            {
                new Span<double>(acc + (r * accStride), x.Cols).Clear();
            }

            var partial = new MatrixView(_partial.Pointer, h.Rows, x.Cols, _stride);
            foreach ((int f0, int frames) in _layout.Blocks)
            {
                for (int r = 0; r < h.Rows; r++)
                {
                    partial.Row(r).Clear();
                }

                products.AccumulateHX(h.ColumnSlice(f0, frames), x.RowSlice(f0, frames), partial);
                team.Run(this, (x.Cols + DenseHXFold.ColumnChunk - 1) / DenseHXFold.ColumnChunk);
            }
        }

        public void Execute(int part, int start, int end)
        {
            int u0 = start * DenseHXFold.ColumnChunk;
            int u1 = Math.Min(end * DenseHXFold.ColumnChunk, _layout.Pixels);
            ExactFold.AddRows(_partial.Pointer + u0, _stride, _acc + u0, _accStride, _rows, u1 - u0, _power, _layout.PixelMagic + u0);
        }

        public void Dispose() => _partial.Dispose();
    }
}
