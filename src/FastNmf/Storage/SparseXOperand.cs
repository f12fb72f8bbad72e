using System.Numerics;
using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.Lanes;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>
/// Sparse X with the lane kernels (<see cref="SparseXOperand{TValue}"/>): the one place its value type and its sizes
/// are decided.
/// </summary>
internal static class SparseXOperand
{
    /// <summary>
    /// Bytes of L2 a thread's block of output rows may fill: W·Xᵀ keeps a chunk of frames' lane rows there (and streams
    /// W's span panels through L1), H·X a chunk of pixels' float partial and double accumulators (and streams H's):
    /// half of this core's L2 (<see cref="CacheSizes"/>). Each chunk streams the whole factor in lanes once, so larger
    /// chunks read it fewer times. The chunks change no bit, only the speed.
    /// </summary>
    public static readonly int ChunkBytes = (int)Math.Clamp(CacheSizes.L2Bytes / 2, 128 * 1024, 4 * 1024 * 1024);

    /// <summary>The operand over <paramref name="x"/> as read: counts (every value an integer in [0, 65 535]) are kept as
    /// uint16 values (3 bytes per nonzero and copy), anything else as float32 (5 bytes).</summary>
    /// <param name="x">X as read (float32 or uint16 frames, the local ones); only read here.</param>
    /// <param name="width">Lane width of the kernels.</param>
    /// <param name="team">The workers.</param>
    /// <param name="layout">Canonical blocks and pixel grids.</param>
    /// <param name="maxRows">Largest K (k × restarts per pass).</param>
    public static IXOperand Create(UnfoldedData x, LaneWidth width, WorkerTeam team, FoldLayout layout, int maxRows) =>
        x.IsUInt16 || x.Statistics.IsCounts
            ? new SparseXOperand<ushort>(x, width, team, layout, maxRows)
            : new SparseXOperand<float>(x, width, team, layout, maxRows);

    /// <summary>Frames per W·Xᵀ chunk and pixels per H·X chunk for <paramref name="lanes"/> lanes (see
    /// <see cref="ChunkBytes"/>).</summary>
    public static (int Frames, int Pixels) Chunks(int lanes) =>
        (Math.Max(16, ChunkBytes / (lanes * sizeof(float))), Math.Max(16, ChunkBytes / (lanes * (sizeof(float) + sizeof(double)))));

    /// <summary>Bytes the operand holds for <paramref name="nonZeros"/> nonzeros: both copies with their offsets, the lane
    /// buffers and each thread's partials (the run plan's figure).</summary>
    public static long BytesFor(long nonZeros, int nUv, int nXy, (int Start, int Count)[] blocks, int maxRows, int threads, LaneWidth width, bool counts)
    {
        int lanes = new LaneTiles(maxRows, width).Lanes;
        long frameSpans = SparseSpanLayout.Nested(blocks, out _).Length - 1;
        long pixelSpans = (nUv + SparseSpanLayout.Length - 1) / SparseSpanLayout.Length;
        long copies = counts
            ? SparseSpans<ushort>.BytesFor(nonZeros, pixelSpans, nXy) + SparseSpans<ushort>.BytesFor(nonZeros, frameSpans, nUv)
            : SparseSpans<float>.BytesFor(nonZeros, pixelSpans, nXy) + SparseSpans<float>.BytesFor(nonZeros, frameSpans, nUv);
        return copies + (4L * lanes * ((2L * nXy) + nUv)) + (4L * threads * PartialFloats(lanes)) + (8L * lanes);
    }

    /// <summary>Floats of one thread's H·X partial: a chunk of pixels' lane rows.</summary>
    public static long PartialFloats(int lanes) => (long)Chunks(lanes).Pixels * lanes;
}

/// <summary>
/// Sparse X with the lane kernels: the factors are moved into the tiled lane layout (<see cref="LaneTiles"/>), every
/// nonzero of X is visited once per product and tile with the tile's lanes accumulated in registers
/// (<see cref="Kernels.Sparse.SparseLaneKernels"/>), and the results are moved back. W·Xᵀ reads the copy cut across
/// pixels (rows = frames), split across threads by frames; H·X the copy cut across frames (rows = pixels), split by
/// pixels, each canonical frame block's float partial folded exactly into the double lane accumulators. Each thread
/// works through its rows in chunks that keep their outputs in L2 while the factor's span panels pass through L1, and
/// owns its output rows, so threads never reduce with each other.
/// </summary>
/// <remarks>Results depend on neither K, the tiles, the width, the chunks nor the thread count: a lane's sums are
/// formed segment by segment in the spans' fixed order.</remarks>
internal sealed unsafe class SparseXOperand<TValue> : IXOperand
    where TValue : unmanaged, INumberBase<TValue>
{
    private readonly SparseSpans<TValue> _byFrame;
    private readonly SparseSpans<TValue> _byPixel;
    private readonly int[] _firstSpanOfBlock;
    private readonly FoldLayout _layout;
    private readonly WorkerTeam _team;
    private readonly LaneWidth _width;
    private readonly int _frames;
    private readonly int _pixels;
    private readonly AlignedBuffer<float> _hJ;
    private readonly AlignedBuffer<float> _wU;
    private readonly AlignedBuffer<float> _dstJ;
    private readonly AlignedBuffer<float>[] _partials;
    private readonly AlignedBuffer<double> _laneMagic;
    private readonly HXWork _hx;
    private readonly FinishWork _finish;
    private readonly ToTilesWork _toTiles;
    private readonly WXWork _wx;
    private LaneTiles _tiles;

    public SparseXOperand(UnfoldedData x, LaneWidth width, WorkerTeam team, FoldLayout layout, int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        _team = team;
        _width = width;
        _layout = layout;
        _frames = x.NXy;
        _pixels = x.NUv;
        MaxRows = maxRows;
        _tiles = new LaneTiles(maxRows, width);
        int lanes = _tiles.Lanes;
        int[] frameSpans = SparseSpanLayout.Nested(layout.Blocks, out _firstSpanOfBlock);
        try
        {
            if (x.IsUInt16)
            {
                UInt16Frames c = x.Counts!;
                _byFrame = SparseSpanBuilder.AcrossPixels<ushort, TValue>(c.Pointer, c.Stride, x.NXy, x.NUv);
                _byPixel = SparseSpanBuilder.AcrossFrames<ushort, TValue>(c.Pointer, c.Stride, x.NXy, x.NUv, frameSpans);
            }
            else
            {
                MatrixView f = x.Frames;
                _byFrame = SparseSpanBuilder.AcrossPixels<float, TValue>(f.Data, f.Stride, x.NXy, x.NUv);
                _byPixel = SparseSpanBuilder.AcrossFrames<float, TValue>(f.Data, f.Stride, x.NXy, x.NUv, frameSpans);
            }

            _hJ = new AlignedBuffer<float>((long)x.NXy * lanes, "H in lanes");
            _wU = new AlignedBuffer<float>((long)x.NUv * lanes, "W in lanes");
            _dstJ = new AlignedBuffer<float>((long)x.NXy * lanes, "W·Xᵀ in lanes");
            _partials = Enumerable.Range(0, team.Threads)
                .Select(_ => new AlignedBuffer<float>(SparseXOperand.PartialFloats(lanes), "H·X chunk partial in lanes")).ToArray();
            _laneMagic = new AlignedBuffer<double>(lanes, "lane magic constants");
        }
        catch
        {
            Dispose();
            throw;
        }

        _hx = new HXWork(this);
        _finish = new FinishWork(this);
        _toTiles = new ToTilesWork(this);
        _wx = new WXWork(this);
        Density = (double)_byFrame.NonZeros / Math.Max(1, (double)x.NXy * x.NUv);
    }

    public string Description => $"sparse {(typeof(TValue) == typeof(ushort) ? "uint16" : "float32")} ({100 * Density:F1} % nonzero; spans of {SparseSpanLayout.Length}: {_byFrame.Spans} across pixels, {_byPixel.Spans} across frames; {_tiles.Count} lane tile(s) of ≤ {_tiles.Width.Max()}), {KernelNames.SparseLanes(_width)}";

    public int MaxRows { get; }

    /// <summary>Fraction of X's values that are nonzero.</summary>
    public double Density { get; }

    public long AccumulatorLength(int rows) => (long)_layout.Pixels * new LaneTiles(rows, _width).Lanes;

    public void AccumulateHX(MatrixView h, double* componentPower, double* acc)
    {
        CheckRows(h.Rows);
        _toTiles.Source = h;
        _toTiles.Target = _hJ.Pointer;
        _toTiles.N = _frames;
        _team.Run(_toTiles, _frames, 256);
        for (int l = 0; l < _tiles.Lanes; l++)
        {
            _laneMagic.Pointer[l] = Kernels.Reductions.ExactFold.UnitMagic * (l < h.Rows ? componentPower[l] : 1.0);
        }

        _hx.Acc = acc;
        _team.Run(_hx, _pixels, 64);
    }

    public void FinishHX(double* acc, MatrixView a)
    {
        _finish.Acc = acc;
        _finish.A = a;
        _team.Run(_finish, _pixels, 256);
    }

    public void MultiplyWX(MatrixView w, MatrixView dst)
    {
        CheckRows(w.Rows);
        _toTiles.Source = w;
        _toTiles.Target = _wU.Pointer;
        _toTiles.N = _pixels;
        _team.Run(_toTiles, _pixels, 1024);
        _wx.Dst = dst;
        _team.Run(_wx, _frames, 16);
    }

    public void Dispose()
    {
        _byFrame?.Dispose();
        _byPixel?.Dispose();
        _hJ?.Dispose();
        _wU?.Dispose();
        _dstJ?.Dispose();
        if (_partials is not null)
        {
            foreach (AlignedBuffer<float> p in _partials)
            {
                p?.Dispose();
            }
        }

        _laneMagic?.Dispose();
    }

    // The tiles follow K; the transposes write only the K real lanes and the pad lanes must stay zero (a stale NaN there
    // would be multiplied into every accumulator's pad lane), so both lane copies are cleared whenever K changes.
    private void CheckRows(int rows)
    {
        if (rows < 1 || rows > MaxRows)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"the operand was sized for up to {MaxRows} rows, got {rows}.");
        }

        if (rows != _tiles.Rows)
        {
            _tiles = new LaneTiles(rows, _width);
            _hJ.Clear();
            _wU.Clear();
        }
    }

    // One span of one tile through the kernel at the operand's width.
    private readonly struct SpanTile(int vectors, uint* offsets, byte* positions, TValue* values, int rowBegin, int rowEnd, float* panel, float* acc) : ILaneAction
    {
        public void Run<TVec, TL>()
            where TVec : struct
            where TL : struct, ILanes<TVec> =>
            Kernels.Sparse.SparseLaneKernels.AccumulateSpan<TVec, TL, TValue>(vectors, offsets, positions, values, rowBegin, rowEnd, panel, acc);
    }

    // One span of one tile folded straight into the double accumulators (a canonical block of one span).
    private readonly struct SpanTileFold(int vectors, uint* offsets, byte* positions, TValue* values, int rowBegin, int rowEnd, float* panel, double* acc, double* laneMagic, double* rowGrid) : ILaneAction
    {
        public void Run<TVec, TL>()
            where TVec : struct
            where TL : struct, ILanes<TVec> =>
            Kernels.Sparse.SparseLaneKernels.FoldSpan<TVec, TL, TValue>(vectors, offsets, positions, values, rowBegin, rowEnd, panel, acc, laneMagic, rowGrid);
    }

    // Pixels [start, end) in chunks: per chunk and canonical block, the float partial from zero over the block's spans
    // (tile by tile), then folded onto the chunk's double accumulators. Tiles innermost, so a span's entries for the
    // chunk are read from memory once and from L2 for the other tiles (tiles outermost streamed X once per tile: K = 300
    // both products 167 → 179 ms, `perf -- phases`).
    private sealed class HXWork(SparseXOperand<TValue> o) : ITeamWork
    {
        public double* Acc;

        public void Execute(int part, int start, int end)
        {
            LaneTiles tiles = o._tiles;
            SparseSpans<TValue> x = o._byPixel;
            float* partial = o._partials[part].Pointer;
            int chunk = SparseXOperand.Chunks(tiles.Lanes).Pixels;
            for (int c0 = start; c0 < end; c0 += chunk)
            {
                int c1 = Math.Min(end, c0 + chunk), rows = c1 - c0;
                for (int t = 0; t < tiles.Count; t++)
                {
                    new Span<double>(Acc + tiles.Offset(t, o._pixels) + ((long)c0 * tiles.Width[t]), rows * tiles.Width[t]).Clear();
                }

                for (int b = 0; b + 1 < o._firstSpanOfBlock.Length; b++)
                {
                    if (o._firstSpanOfBlock[b + 1] - o._firstSpanOfBlock[b] == 1)
                    {
                        // One span: each pixel's sums go straight from registers into the exact accumulators.
                        int s1 = o._firstSpanOfBlock[b];
                        for (int t = 0; t < tiles.Count; t++)
                        {
                            int w = tiles.Width[t];
                            float* panel = o._hJ.Pointer + tiles.Offset(t, o._frames) + ((long)x.SpanStart[s1] * w);
                            double* acc = Acc + tiles.Offset(t, o._pixels);
                            LaneDispatch.Run(o._width, new SpanTileFold(tiles.Vectors[t], x.Offsets(s1), x.Positions(s1), x.Values(s1), c0, c1, panel, acc, o._laneMagic.Pointer + tiles.Start[t], o._layout.PixelGrid));
                        }

                        continue;
                    }

                    new Span<float>(partial, rows * tiles.Lanes).Clear();
                    for (int s = o._firstSpanOfBlock[b]; s < o._firstSpanOfBlock[b + 1]; s++)
                    {
                        for (int t = 0; t < tiles.Count; t++)
                        {
                            int w = tiles.Width[t];
                            float* panel = o._hJ.Pointer + tiles.Offset(t, o._frames) + ((long)x.SpanStart[s] * w);
                            float* acc = partial + tiles.Offset(t, rows) - ((long)c0 * w);
                            LaneDispatch.Run(o._width, new SpanTile(tiles.Vectors[t], x.Offsets(s), x.Positions(s), x.Values(s), c0, c1, panel, acc));
                        }
                    }

                    for (int t = 0; t < tiles.Count; t++)
                    {
                        int w = tiles.Width[t];
                        Kernels.Reductions.ExactFold.AddRows(partial + tiles.Offset(t, rows), w, Acc + tiles.Offset(t, o._pixels) + ((long)c0 * w), w, rows, w,
                            o._layout.PixelGrid + c0, o._laneMagic.Pointer + tiles.Start[t]);
                    }
                }
            }
        }
    }

    private sealed class FinishWork(SparseXOperand<TValue> o) : ITeamWork
    {
        public double* Acc;
        public MatrixView A;

        public void Execute(int part, int start, int end) => LaneTranspose.FromTiles(Acc, o._tiles, o._pixels, A, start, end);
    }

    private sealed class ToTilesWork(SparseXOperand<TValue> o) : ITeamWork
    {
        public MatrixView Source;
        public float* Target;
        public long N;

        public void Execute(int part, int start, int end) => LaneTranspose.ToTiles(Source, Target, o._tiles, N, start, end);
    }

    // Frames [start, end) in chunks: per chunk, every pixel span's segments added into the chunk's lane rows, tile by
    // tile, then moved to the destination.
    private sealed class WXWork(SparseXOperand<TValue> o) : ITeamWork
    {
        public MatrixView Dst;

        public void Execute(int part, int start, int end)
        {
            LaneTiles tiles = o._tiles;
            SparseSpans<TValue> x = o._byFrame;
            int chunk = SparseXOperand.Chunks(tiles.Lanes).Frames;
            for (int c0 = start; c0 < end; c0 += chunk)
            {
                int c1 = Math.Min(end, c0 + chunk);
                for (int t = 0; t < tiles.Count; t++)
                {
                    new Span<float>(o._dstJ.Pointer + tiles.Offset(t, o._frames) + ((long)c0 * tiles.Width[t]), (c1 - c0) * tiles.Width[t]).Clear();
                }

                for (int s = 0; s < x.Spans; s++)
                {
                    for (int t = 0; t < tiles.Count; t++)
                    {
                        int w = tiles.Width[t];
                        float* panel = o._wU.Pointer + tiles.Offset(t, o._pixels) + ((long)x.SpanStart[s] * w);
                        float* acc = o._dstJ.Pointer + tiles.Offset(t, o._frames);
                        LaneDispatch.Run(o._width, new SpanTile(tiles.Vectors[t], x.Offsets(s), x.Positions(s), x.Values(s), c0, c1, panel, acc));
                    }
                }

                LaneTranspose.FromTiles(o._dstJ.Pointer, tiles, o._frames, Dst, c0, c1);
            }
        }
    }
}
