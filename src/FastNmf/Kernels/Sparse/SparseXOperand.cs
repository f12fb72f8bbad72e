using System.Runtime.Intrinsics;
using FastNmf.Data;
using FastNmf.Kernels.Lanes;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Kernels.Sparse;

/// <summary>
/// Sparse X with the lane kernels: the factors are moved into the lane layout, every nonzero of X is visited once per
/// product with all K components as vector lanes accumulated in registers, and the results are moved back. H·X reads a
/// pixel-major copy (<see cref="SparsePixels"/>) split across threads by pixels, W·Xᵀ the frame-major one
/// (<see cref="SparseFrames"/>) split by frames; each thread owns its output rows, so there is no reduction. The two
/// copies cost 2 × 6 bytes per nonzero.
/// </summary>
internal sealed unsafe class SparseXOperand : IXOperand
{
    // A block's slice of the lane rows (block × lanes floats) is kept near 32 KiB so every nonzero's row update hits L1
    // (Zen 5: 48 KiB): measured with `perf/FastNmf.Benchmarks -- phases` at K = 40, 32 KiB blocks run both products in
    // 8.8 ms against 13.9 ms at 192 KiB (L2) and 17 ms at 384 KiB; 24–40 KiB are within noise of each other.
    private const int AccumulatorBytes = 32 * 1024;

    private readonly SparseFrames _x;
    private readonly SparsePixels _pixels;
    private readonly WorkerTeam _team;
    private readonly LaneWidth _width;
    private readonly int _lanes;
    private readonly AlignedBuffer<float> _hJ;
    private readonly AlignedBuffer<float> _accU;
    private readonly AlignedBuffer<float> _wU;
    private readonly AlignedBuffer<float> _dstJ;
    private readonly HXWork _hx;
    private readonly ToLanesWork _toLanes;
    private readonly WXWork _wx;
    private int _rowsInLanes = -1;

    public SparseXOperand(UnfoldedData x, LaneWidth width, WorkerTeam team, int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        _team = team;
        _width = width;
        MaxRows = maxRows;
        // K padded to whole vectors of this width only: on AVX2, ten restarts of k = 4 are 40 lanes = 5 vectors, not 48.
        int vector = LaneWidths.Count(width);
        _lanes = (maxRows + vector - 1) / vector * vector;
        // Blocks sized for L1, and at least 8 per thread so the static split across threads stays balanced even though
        // the nonzeros are denser on the rings than in the corners.
        int forCache = AccumulatorBytes / (_lanes * sizeof(float));
        int forBalance = x.NUv / (8 * team.Threads);
        int block = Math.Clamp(Math.Min(forCache, forBalance) / 64 * 64, 64, 16384);
        _x = SparseFrames.Create(x, block);
        try
        {
            _pixels = SparsePixels.Create(x, Math.Max(1, AccumulatorBytes / (_lanes * sizeof(float))), _x.NonZeros);
            _hJ = new AlignedBuffer<float>((long)x.NXy * _lanes, "H in lanes");
            _accU = new AlignedBuffer<float>((long)x.NUv * _lanes, "H·X in lanes");
            _wU = new AlignedBuffer<float>((long)x.NUv * _lanes, "W in lanes");
            _dstJ = new AlignedBuffer<float>((long)x.NXy * _lanes, "W·Xᵀ in lanes");
        }
        catch
        {
            Dispose();
            throw;
        }

        _hx = new HXWork(this);
        _toLanes = new ToLanesWork(this);
        _wx = new WXWork(this);
        Density = (double)_x.NonZeros / ((double)x.NXy * x.NUv);
    }

    public string Description => $"sparse float32 ({100 * Density:F1} % nonzero; W·Xᵀ in {_x.Blocks} pixel block(s), H·X in {_pixels.Blocks} frame block(s)), {KernelSet.LaneKernelName(_width)}";

    public int MaxRows { get; }

    /// <summary>Fraction of X's values that are nonzero.</summary>
    public double Density { get; }

    public void MultiplyHX(MatrixView h, MatrixView acc)
    {
        CheckRows(h.Rows);
        LaneTranspose.ToLanes(h, _hJ.Pointer, _lanes, 0, h.Cols);
        _hx.Acc = acc;
        _team.Run(_hx, _x.Pixels, 256);
    }

    public void MultiplyWX(MatrixView w, MatrixView dst)
    {
        CheckRows(w.Rows);
        _toLanes.Source = w;
        _team.Run(_toLanes, _x.Pixels, 1024);
        _wx.Dst = dst;
        _team.Run(_wx, _x.Frames, 16);
    }

    public void Dispose()
    {
        _x.Dispose();
        _pixels?.Dispose();
        _hJ?.Dispose();
        _accU?.Dispose();
        _wU?.Dispose();
        _dstJ?.Dispose();
    }

    // ToLanes writes only the K real lanes; the pad lanes must stay zero (a stale NaN there would be multiplied into
    // every accumulator's pad lane), so both lane copies are cleared whenever K changes.
    private void CheckRows(int rows)
    {
        if (rows < 1 || rows > MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"the operand was sized for up to {MaxRows} rows, got {rows}.");
        }

        if (rows != _rowsInLanes)
        {
            _hJ.Clear();
            _wU.Clear();
            _rowsInLanes = rows;
        }
    }

    private sealed class HXWork(SparseXOperand o) : ITeamWork
    {
        public MatrixView Acc;

        public void Execute(int part, int start, int end)
        {
            switch (o._width)
            {
                case LaneWidth.Vector512:
                    SparseLaneKernels.AccumulateHXByPixel<Vector512<float>, Lanes512>(o._pixels, o._hJ.Pointer, o._accU.Pointer, o._lanes, start, end);
                    break;
                case LaneWidth.Vector256:
                    SparseLaneKernels.AccumulateHXByPixel<Vector256<float>, Lanes256>(o._pixels, o._hJ.Pointer, o._accU.Pointer, o._lanes, start, end);
                    break;
                default:
                    SparseLaneKernels.AccumulateHXByPixel<float, LanesScalar>(o._pixels, o._hJ.Pointer, o._accU.Pointer, o._lanes, start, end);
                    break;
            }

            LaneTranspose.FromLanes(o._accU.Pointer, o._lanes, Acc, start, end);
        }
    }

    private sealed class ToLanesWork(SparseXOperand o) : ITeamWork
    {
        public MatrixView Source;

        public void Execute(int part, int start, int end) => LaneTranspose.ToLanes(Source, o._wU.Pointer, o._lanes, start, end);
    }

    private sealed class WXWork(SparseXOperand o) : ITeamWork
    {
        public MatrixView Dst;

        public void Execute(int part, int start, int end)
        {
            switch (o._width)
            {
                case LaneWidth.Vector512:
                    SparseLaneKernels.ProjectWX<Vector512<float>, Lanes512>(o._x, o._wU.Pointer, o._dstJ.Pointer, o._lanes, start, end);
                    break;
                case LaneWidth.Vector256:
                    SparseLaneKernels.ProjectWX<Vector256<float>, Lanes256>(o._x, o._wU.Pointer, o._dstJ.Pointer, o._lanes, start, end);
                    break;
                default:
                    SparseLaneKernels.ProjectWX<float, LanesScalar>(o._x, o._wU.Pointer, o._dstJ.Pointer, o._lanes, start, end);
                    break;
            }

            LaneTranspose.FromLanes(o._dstJ.Pointer, o._lanes, Dst, start, end);
        }
    }
}
