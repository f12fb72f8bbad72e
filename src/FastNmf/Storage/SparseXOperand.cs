using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.Lanes;
using FastNmf.Kernels.Reductions;
using FastNmf.Kernels.Sparse;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>
/// Sparse X with the lane kernels: the factors are moved into the lane layout, every nonzero of X is visited once per
/// product with all K components as vector lanes accumulated in registers, and the results are moved back. H·X reads a
/// pixel-major copy (<see cref="SparsePixels"/>) split across threads by pixels, one canonical frame block after the
/// other, each block's partial folded exactly into double lane accumulators; W·Xᵀ reads the frame-major copy
/// (<see cref="SparseFrames"/>) split by frames. Each thread owns its output rows, so threads never reduce with each
/// other. The two copies cost 2 × 6 bytes per nonzero and are built from X as read (float32 or uint16), never from a
/// float32 copy of uint16 data.
/// </summary>
internal sealed unsafe class SparseXOperand : IXOperand
{
    // A block's slice of the lane rows (block × lanes floats) is kept near 32 KiB so every nonzero's row update hits L1
    // (Zen 5: 48 KiB): measured with `perf/FastNmf.Benchmarks -- phases` at K = 40, 32 KiB blocks run both products in
    // 8.8 ms against 13.9 ms at 192 KiB (L2) and 17 ms at 384 KiB; 24–40 KiB are within noise of each other.
    private const int AccumulatorBytes = 32 * 1024;

    private readonly SparseFrames _x;
    private readonly SparsePixels _pixels;
    private readonly FoldLayout _layout;
    private readonly WorkerTeam _team;
    private readonly LaneWidth _width;
    private readonly int _lanes;
    private readonly AlignedBuffer<float> _hJ;
    private readonly AlignedBuffer<float> _accU;
    private readonly AlignedBuffer<float> _wU;
    private readonly AlignedBuffer<float> _dstJ;
    private readonly AlignedBuffer<double> _laneMagic;
    private readonly HXWork _hx;
    private readonly FinishWork _finish;
    private readonly ToLanesWork _toLanes;
    private readonly WXWork _wx;
    private int _rowsInLanes = -1;

    /// <param name="x">X as read (float32 or uint16 frames, the local ones); only read here.</param>
    /// <param name="width">Lane width of the kernels.</param>
    /// <param name="team">The workers.</param>
    /// <param name="layout">Canonical blocks and pixel grids.</param>
    /// <param name="maxRows">Largest K (k × restarts per pass).</param>
    /// <param name="restartRows">k: the frame sub-blocks of H·X are sized for one restart's lanes, so a restart's bits
    /// do not depend on how many restarts share the pass.</param>
    public SparseXOperand(UnfoldedData x, LaneWidth width, WorkerTeam team, FoldLayout layout, int maxRows, int restartRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        _team = team;
        _width = width;
        _layout = layout;
        MaxRows = maxRows;
        (_lanes, int block, int subFrames) = Geometry(x.NUv, maxRows, restartRows, team.Threads, width);
        try
        {
            if (x.IsUInt16)
            {
                UInt16Frames c = x.Counts!;
                _x = SparseFrames.Create(c.Pointer, c.Stride, x.NXy, x.NUv, block);
                _pixels = SparsePixels.Create(c.Pointer, c.Stride, x.NXy, x.NUv, layout.Blocks, subFrames);
            }
            else
            {
                MatrixView f = x.Frames;
                _x = SparseFrames.Create(f.Data, f.Stride, x.NXy, x.NUv, block);
                _pixels = SparsePixels.Create(f.Data, f.Stride, x.NXy, x.NUv, layout.Blocks, subFrames);
            }

            _hJ = new AlignedBuffer<float>((long)x.NXy * _lanes, "H in lanes");
            _accU = new AlignedBuffer<float>((long)x.NUv * _lanes, "H·X block partial in lanes");
            _wU = new AlignedBuffer<float>((long)x.NUv * _lanes, "W in lanes");
            _dstJ = new AlignedBuffer<float>((long)x.NXy * _lanes, "W·Xᵀ in lanes");
            _laneMagic = new AlignedBuffer<double>(_lanes, "lane magic constants");
        }
        catch
        {
            Dispose();
            throw;
        }

        _hx = new HXWork(this);
        _finish = new FinishWork(this);
        _toLanes = new ToLanesWork(this);
        _wx = new WXWork(this);
        Density = (double)_x.NonZeros / Math.Max(1, (double)x.NXy * x.NUv);
    }

    /// <summary>
    /// The lane count (K padded to whole vectors of the width only: on AVX2, ten restarts of k = 4 are 40 lanes = 5
    /// vectors, not 48), W·Xᵀ's pixel block (sized for L1, and at least 8 blocks per thread so the static split stays
    /// balanced even though the nonzeros are denser on the rings than in the corners) and H·X's frame sub-block (sized
    /// for one restart's lanes rounded to 16, so a restart's bits depend neither on the batch nor on the width).
    /// </summary>
    public static (int Lanes, int PixelBlock, int SubFrames) Geometry(int nUv, int maxRows, int restartRows, int threads, LaneWidth width)
    {
        int vector = LaneWidths.Count(width);
        int lanes = (maxRows + vector - 1) / vector * vector;
        // Rounded to the widest vector whatever the width, so every width cuts the same sub-blocks (the same bits).
        int restartLanes = (Math.Min(restartRows, maxRows) + 15) / 16 * 16;
        int forCache = AccumulatorBytes / (lanes * sizeof(float));
        int forBalance = nUv / (8 * threads);
        int block = Math.Clamp(Math.Min(forCache, forBalance) / 64 * 64, 64, 16384);
        int subFrames = Math.Max(16, AccumulatorBytes / (restartLanes * sizeof(float)));
        return (lanes, block, subFrames);
    }

    /// <summary>Bytes this operand holds for <paramref name="nonZeros"/> nonzeros (both copies, their segment tables and
    /// the four lane buffers), for the run plan.</summary>
    public static long BytesFor(long nonZeros, int nUv, int nXy, (int Start, int Count)[] blocks, int maxRows, int restartRows, int threads, LaneWidth width)
    {
        (int lanes, int block, int subFrames) = Geometry(nUv, maxRows, restartRows, threads, width);
        long pixelBlocks = (nUv + block - 1) / block;
        long subBlocks = blocks.Sum(b => (long)((b.Count + subFrames - 1) / subFrames));
        return (12 * nonZeros) + (8 * pixelBlocks * (nXy + 1L)) + (8 * subBlocks * (nUv + 1L)) + (4L * lanes * (2L * nUv + 2L * nXy)) + (8L * lanes);
    }

    public string Description => $"sparse float32 ({100 * Density:F1} % nonzero; W·Xᵀ in {_x.Blocks} pixel block(s), H·X in {_pixels.Blocks} frame block(s)), {KernelNames.SparseLanes(_width)}";

    public int MaxRows { get; }

    /// <summary>Fraction of X's values that are nonzero.</summary>
    public double Density { get; }

    public long AccumulatorLength(int rows) => (long)_layout.Pixels * _lanes;

    public void AccumulateHX(MatrixView h, double* componentPower, double* acc)
    {
        CheckRows(h.Rows);
        LaneTranspose.ToLanes(h, _hJ.Pointer, _lanes, 0, h.Cols);
        for (int l = 0; l < _lanes; l++)
        {
            _laneMagic.Pointer[l] = ExactFold.UnitMagic * (l < h.Rows ? componentPower[l] : 1.0);
        }

        _hx.Acc = acc;
        _team.Run(_hx, _x.Pixels, 256);
    }

    public void FinishHX(double* acc, MatrixView a)
    {
        _finish.Acc = acc;
        _finish.A = a;
        _team.Run(_finish, _x.Pixels, 256);
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
        _x?.Dispose();
        _pixels?.Dispose();
        _hJ?.Dispose();
        _accU?.Dispose();
        _wU?.Dispose();
        _dstJ?.Dispose();
        _laneMagic?.Dispose();
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

    // Pixels [start, end): canonical block after canonical block, the partial from zero over its sub-blocks, then folded.
    private sealed class HXWork(SparseXOperand o) : ITeamWork
    {
        public double* Acc;

        public void Execute(int part, int start, int end)
        {
            SparsePixels x = o._pixels;
            int lanes = o._lanes;
            long first = (long)start * lanes;
            int count = (end - start) * lanes;
            new Span<double>(Acc + first, count).Clear();
            for (int c = 0; c + 1 < x.CanonicalFirstBlock.Length; c++)
            {
                if (x.CanonicalFirstBlock[c + 1] - x.CanonicalFirstBlock[c] == 1)
                {
                    // One frame block: each pixel's sums go straight from registers into the exact accumulators.
                    int only = x.CanonicalFirstBlock[c];
                    float* h1 = o._hJ.Pointer + ((long)x.BlockStart[only] * lanes);
                    LaneDispatch.Run(o._width, new PixelBlockFold(x, (long)only * (x.Pixels + 1), h1, Acc, lanes, start, end, o._layout.PixelGrid, o._laneMagic.Pointer));
                    continue;
                }

                new Span<float>(o._accU.Pointer + first, count).Clear();
                for (int b = x.CanonicalFirstBlock[c]; b < x.CanonicalFirstBlock[c + 1]; b++)
                {
                    float* hb = o._hJ.Pointer + ((long)x.BlockStart[b] * lanes);
                    long row = (long)b * (x.Pixels + 1);
                    LaneDispatch.Run(o._width, new PixelBlock(x, row, hb, o._accU.Pointer, lanes, start, end));
                }

                ExactFold.AddRows(o._accU.Pointer + first, lanes, Acc + first, lanes, end - start, lanes, o._layout.PixelGrid + start, o._laneMagic.Pointer);
            }
        }
    }

    private readonly struct PixelBlock(SparsePixels x, long row, float* hb, float* accU, int lanes, int start, int end) : ILaneAction
    {
        public void Run<TVec, TL>()
            where TVec : struct
            where TL : struct, ILanes<TVec> =>
            SparseLaneKernels.AccumulateHXByPixel<TVec, TL>(x.SegmentStart, row, x.FrameInBlock, x.Values, hb, accU, lanes, start, end);
    }

    private readonly struct PixelBlockFold(SparsePixels x, long row, float* hb, double* acc, int lanes, int start, int end, double* pixelGrid, double* laneMagic) : ILaneAction
    {
        public void Run<TVec, TL>()
            where TVec : struct
            where TL : struct, ILanes<TVec> =>
            SparseLaneKernels.FoldHXByPixel<TVec, TL>(x.SegmentStart, row, x.FrameInBlock, x.Values, hb, acc, lanes, start, end, pixelGrid, laneMagic);
    }

    private sealed class FinishWork(SparseXOperand o) : ITeamWork
    {
        public double* Acc;
        public MatrixView A;

        public void Execute(int part, int start, int end) => LaneTranspose.FromLanes(Acc, o._lanes, A, start, end);
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
            LaneDispatch.Run(o._width, new FrameRange(o._x, o._wU.Pointer, o._dstJ.Pointer, o._lanes, start, end));
            LaneTranspose.FromLanes(o._dstJ.Pointer, o._lanes, Dst, start, end);
        }
    }

    private readonly struct FrameRange(SparseFrames x, float* wU, float* dstJ, int lanes, int start, int end) : ILaneAction
    {
        public void Run<TVec, TL>()
            where TVec : struct
            where TL : struct, ILanes<TVec> =>
            SparseLaneKernels.ProjectWX<TVec, TL>(x.SegmentStart, x.Frames, x.Blocks, x.Indices, x.Values, wU, dstJ, lanes, start, end);
    }
}
