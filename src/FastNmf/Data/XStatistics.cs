using System.Numerics;
using FastNmf.Distributed;
using FastNmf.Kernels.Reductions;
using FastNmf.Memory;

namespace FastNmf.Data;

/// <summary>
/// What a run needs to know about X, over the whole scan: counts of values and nonzeros, whether every value is a count,
/// the largest value, Σx, Σx² and Σ_j x_ju per kept pixel. Formed as explicit reductions, so blocks, threads and ranks
/// combine into the same bits: the maxima and counts first (exact under any combination), then every canonical frame
/// block's partial sums folded exactly onto grids those maxima fix (<see cref="ExactFold"/>).
/// </summary>
public sealed unsafe class XStatistics
{
    private readonly double[] _pixelSums;

    private XStatistics(long frames, int pixels, long nonZeros, bool isCounts, float max, double sum, double sumOfSquares, double[] pixelSums)
    {
        Frames = frames;
        Pixels = pixels;
        NonZeros = nonZeros;
        IsCounts = isCounts;
        Max = max;
        Sum = sum;
        SumOfSquares = sumOfSquares;
        _pixelSums = pixelSums;
    }

    /// <summary>n_xy: frames (scan positions).</summary>
    public long Frames { get; }

    /// <summary>n_uv: kept pixels per frame.</summary>
    public int Pixels { get; }

    /// <summary>Values of X: n_uv · n_xy.</summary>
    public long Values => Frames * Pixels;

    /// <summary>Nonzero values.</summary>
    public long NonZeros { get; }

    /// <summary>Fraction of values that are zero.</summary>
    public double ZeroFraction => Values == 0 ? 0 : 1.0 - ((double)NonZeros / Values);

    /// <summary>True when every value is an integer in [0, 65 535] — counted electrons, which uint16 holds exactly.</summary>
    public bool IsCounts { get; }

    /// <summary>The largest value.</summary>
    public float Max { get; }

    /// <summary>Σ x.</summary>
    public double Sum { get; }

    /// <summary>‖X‖²_F = Σ x².</summary>
    public double SumOfSquares { get; }

    /// <summary>Mean of X.</summary>
    public double Mean => Values == 0 ? 0 : Sum / Values;

    /// <summary>Σ_j x_ju for every kept pixel u (the bound of H·X's grid).</summary>
    internal ReadOnlySpan<double> PixelSums => _pixelSums;

    /// <summary>The statistics of X over every rank of <paramref name="comm"/> (collective: all ranks call it).</summary>
    public static XStatistics Of(UnfoldedData x, Communicator comm) => Compute(x, comm);

    internal static XStatistics Compute(UnfoldedData x, Communicator comm)
    {
        (int Start, int Count)[] blocks = FrameBlocks.For(x.Slab.ScanRows, x.Slab.ScanCols).LocalRanges(x.Slab);
        int nUv = x.NUv;

        // Phase 1: per-pixel maxima, nonzeros, and whether everything is a count — blocks in parallel, merged by max/sum.
        var first = new double[nUv + 2];
        var perBlock = new (float[] Max, long NonZeros, bool Counts)[blocks.Length];
        Parallel.For(0, blocks.Length, b => perBlock[b] = Scan(x, blocks[b]));
        long nonZeros = 0;
        bool counts = true;
        foreach ((float[] blockMax, long nz, bool c) in perBlock)
        {
            for (int u = 0; u < nUv; u++)
            {
                first[u] = Math.Max(first[u], blockMax[u]);
            }

            nonZeros += nz;
            counts &= c;
        }

        first[nUv] = counts ? 0 : 1;
        comm.AllreduceMax(first);
        Span<double> nz1 = [nonZeros];
        comm.AllreduceSum(nz1);
        long frames = x.Slab.TotalFrames;

        // Phase 2: Σx_ju per pixel, Σx and Σx² — each block's partial from zero, folded onto grids the maxima fix.
        int blocksTotal = FrameBlocks.For(x.Slab.ScanRows, x.Slab.ScanCols).Count;
        var grid = new Grids(first.AsSpan(0, nUv), frames, blocksTotal);
        var sums = new double[(2 * nUv) + 4];
        object gate = new();
        Parallel.For(0, blocks.Length, () => new double[sums.Length], (b, _, acc) =>
        {
            Fold(x, blocks[b], grid, acc);
            return acc;
        }, acc =>
        {
            lock (gate)
            {
                for (int i = 0; i < sums.Length; i++)
                {
                    sums[i] += acc[i];
                }
            }
        });

        comm.AllreduceSum(sums);
        var pixelSums = new double[nUv];
        double max = 0;
        for (int u = 0; u < nUv; u++)
        {
            pixelSums[u] = sums[2 * u] + sums[(2 * u) + 1];
            max = Math.Max(max, first[u]);
        }

        double total = sums[2 * nUv] + sums[(2 * nUv) + 1];
        double squares = sums[(2 * nUv) + 2] + sums[(2 * nUv) + 3];
        return new XStatistics(frames, nUv, (long)nz1[0], first[nUv] == 0, (float)max, total, squares, pixelSums);
    }

    private static (float[] Max, long NonZeros, bool Counts) Scan(UnfoldedData x, (int Start, int Count) block) =>
        x.IsUInt16 ? ScanCounts(x.Counts!.Pointer, x.Counts.Stride, x.NUv, block) : ScanOf(x.Frames.Data, x.Frames.Stride, x.NUv, block);

    // uint16 frames: every nonzero value is a count; maxima and nonzeros sixteen pixels at a time.
    private static unsafe (float[] Max, long NonZeros, bool Counts) ScanCounts(ushort* data, long stride, int nUv, (int Start, int Count) block)
    {
        var max = new ushort[nUv];
        long nonZeros = 0;
        fixed (ushort* m = max)
        {
            for (int j = block.Start; j < block.Start + block.Count; j++)
            {
                nonZeros += CountScan.MaxAndNonZeros(data + (j * stride), nUv, m);
            }
        }

        var maxima = new float[nUv];
        for (int u = 0; u < nUv; u++)
        {
            maxima[u] = max[u];
        }

        return (maxima, nonZeros, true);
    }

    private static unsafe (float[] Max, long NonZeros, bool Counts) ScanOf<T>(T* data, long stride, int nUv, (int Start, int Count) block)
        where T : unmanaged, INumberBase<T>
    {
        var max = new float[nUv];
        long nonZeros = 0;
        bool counts = true;
        for (int j = block.Start; j < block.Start + block.Count; j++)
        {
            T* frame = data + (j * stride);
            for (int u = 0; u < nUv; u++)
            {
                float v = float.CreateTruncating(frame[u]);
                if (v != 0f)
                {
                    nonZeros++;
                    counts &= v > 0f && v <= ushort.MaxValue && v == MathF.Floor(v);
                    max[u] = Math.Max(max[u], v);
                }
            }
        }

        return (max, nonZeros, counts);
    }

    private static void Fold(UnfoldedData x, (int Start, int Count) block, Grids grid, double[] acc)
    {
        var pixel = new double[x.NUv];
        double squares = x.IsUInt16
            ? SumCounts(x.Counts!.Pointer, x.Counts.Stride, x.NUv, block, pixel)
            : SumOf(x.Frames.Data, x.Frames.Stride, x.NUv, block, pixel);
        FoldOnto(pixel, squares, grid, acc);
    }

    // uint16 frames: the per-pixel sums in 32-bit integers (flushed to double every 65 536 frames, before they could
    // overflow), each frame's Σx² as an exact integer — the same numbers SumOf forms in double, where every partial sum
    // of integers below 2⁵³ is exact.
    private static unsafe double SumCounts(ushort* data, long stride, int nUv, (int Start, int Count) block, double[] pixel)
    {
        const int Flush = 65536;
        var sums = new uint[nUv];
        double squares = 0;
        fixed (uint* s = sums)
        {
            for (int j0 = block.Start; j0 < block.Start + block.Count; j0 += Flush)
            {
                int end = (int)Math.Min((long)j0 + Flush, block.Start + block.Count);
                for (int j = j0; j < end; j++)
                {
                    ushort* frame = data + (j * stride);
                    CountScan.Add(frame, nUv, s);
                    squares += Kernels.Reductions.SumOfSquares.OfUInt16(frame, nUv);
                }

                for (int u = 0; u < nUv; u++)
                {
                    pixel[u] += s[u];
                    s[u] = 0;
                }
            }
        }

        return squares;
    }

    private static unsafe double SumOf<T>(T* data, long stride, int nUv, (int Start, int Count) block, double[] pixel)
        where T : unmanaged, INumberBase<T>
    {
        double squares = 0;
        for (int j = block.Start; j < block.Start + block.Count; j++)
        {
            T* frame = data + (j * stride);
            double q = 0;
            for (int u = 0; u < nUv; u++)
            {
                double v = double.CreateTruncating(frame[u]);
                pixel[u] += v;
                q += v * v;
            }

            squares += q;
        }

        return squares;
    }

    private static void FoldOnto(double[] pixel, double squares, Grids grid, double[] acc)
    {
        int nUv = pixel.Length;
        double total = 0;
        for (int u = 0; u < nUv; u++)
        {
            total += pixel[u];
            ExactFold.Add2(pixel[u], grid.PixelHi[u], grid.PixelLo[u], ref acc[2 * u], ref acc[(2 * u) + 1]);
        }

        ExactFold.Add2(total, grid.SumHi, grid.SumLo, ref acc[2 * nUv], ref acc[(2 * nUv) + 1]);
        ExactFold.Add2(squares, grid.SquaresHi, grid.SquaresLo, ref acc[(2 * nUv) + 2], ref acc[(2 * nUv) + 3]);
    }

    // The magic constants of every sum's two folds, from the global maxima: Σ_j x_ju ≤ n_xy·max_u, Σx ≤ n_xy·Σ_u max_u,
    // Σx² ≤ n_xy·Σ_u max_u².
    private sealed class Grids
    {
        public Grids(ReadOnlySpan<double> pixelMax, long frames, int blocks)
        {
            PixelHi = new double[pixelMax.Length];
            PixelLo = new double[pixelMax.Length];
            double sumBound = 0, squaresBound = 0;
            for (int u = 0; u < pixelMax.Length; u++)
            {
                (PixelHi[u], PixelLo[u]) = Magics(frames * pixelMax[u], blocks);
                sumBound += frames * pixelMax[u];
                squaresBound += frames * pixelMax[u] * pixelMax[u];
            }

            (SumHi, SumLo) = Magics(sumBound, blocks);
            (SquaresHi, SquaresLo) = Magics(squaresBound, blocks);
        }

        public double[] PixelHi { get; }

        public double[] PixelLo { get; }

        public double SumHi { get; }

        public double SumLo { get; }

        public double SquaresHi { get; }

        public double SquaresLo { get; }

        private static (double Hi, double Lo) Magics(double bound, int blocks)
        {
            double grid = ExactFold.Grid(bound);
            return (ExactFold.Magic(grid), ExactFold.Magic(ExactFold.ResidualGrid(grid, blocks)));
        }
    }
}
