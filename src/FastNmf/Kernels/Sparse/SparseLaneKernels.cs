using System.Runtime.CompilerServices;
using FastNmf.Kernels.Lanes;

namespace FastNmf.Kernels.Sparse;

/// <summary>
/// The two products with sparse X, with all K components (every restart's k) as lanes of one row: for each nonzero
/// x_{u,j}, one broadcast and K/lanes fused multiply-adds into register accumulators (H·X from the pixel-major copy,
/// W·Xᵀ from the frame-major one). Rows are <c>lanes</c> floats long (K padded with zero lanes
/// to a multiple of the vector width). Up to six vectors of lanes are updated per visit of a nonzero (register
/// blocking), so the index, value and address work is shared by 48 (AVX2) or 96 (AVX-512) lanes. Each lane's sum runs over the same nonzeros in the same order
/// whatever K, the width, the blocking or the thread partition, so batching restarts changes no bit of any restart.
/// </summary>
internal static unsafe class SparseLaneKernels
{
    /// <summary>
    /// <c>accU[u, :] += Σ_j x_{u,j} · hB[j, :]</c> for pixels [<paramref name="pixelBegin"/>, <paramref name="pixelEnd"/>)
    /// over one frame block of the pixel-major copy: pixel u's entries are [<c>starts[row + u]</c>,
    /// <c>starts[row + u + 1]</c>), each a frame index within the block (into hB's lane rows) and a value. Each pixel's
    /// lanes are accumulated in registers and added to accU once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no tier-0 pass
    public static void AccumulateHXByPixel<TVec, TL>(long[] starts, long row, ushort* frameInBlock, float* values, float* hB, float* accU, int lanes, int pixelBegin, int pixelEnd)
        where TVec : struct
        where TL : struct, ILanes<TVec>
    {
        for (int u = pixelBegin; u < pixelEnd; u++)
        {
            long p0 = starts[row + u];
            long p1 = starts[row + u + 1];
            if (p0 == p1)
            {
                continue;
            }

            AllLanes<TVec, TL, AddToPartial>(frameInBlock, values, p0, p1, hB, accU + ((long)u * lanes), lanes, null, null, 0);
        }
    }

    /// <summary>
    /// The same sums for a canonical block held as one frame block, folded straight into the exact double accumulators
    /// (no float partial in memory): <c>accD[u, l] += round(Σ_j x_{u,j} · hB[j, l])</c> on the grid
    /// <c>pixelGrid[u] · laneMagic[l] / (1.5·2^52)</c>. The bits are those of <see cref="AccumulateHXByPixel{TVec, TL}"/>
    /// into a cleared partial followed by <see cref="Reductions.ExactFold.AddRows"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no tier-0 pass
    public static void FoldHXByPixel<TVec, TL>(long[] starts, long row, ushort* frameInBlock, float* values, float* hB, double* accD, int lanes, int pixelBegin, int pixelEnd, double* pixelGrid, double* laneMagic)
        where TVec : struct
        where TL : struct, ILanes<TVec>
    {
        for (int u = pixelBegin; u < pixelEnd; u++)
        {
            long p0 = starts[row + u];
            long p1 = starts[row + u + 1];
            if (p0 == p1)
            {
                continue;
            }

            AllLanes<TVec, TL, FoldToAccumulator>(frameInBlock, values, p0, p1, hB, null, lanes, accD + ((long)u * lanes), laneMagic, pixelGrid[u]);
        }
    }

    /// <summary>
    /// <c>dstJ[j, :] = Σ_u x_{u,j} · wU[u, :]</c> for frames [<paramref name="frameBegin"/>, <paramref name="frameEnd"/>)
    /// from the frame-major copy (<paramref name="blocks"/> pixel blocks; frame j's entries in block b are
    /// [<c>starts[b·(frames+1) + j]</c>, <c>starts[b·(frames+1) + j + 1]</c>), each a pixel index and a value): wU is
    /// n_uv × lanes, dstJ is n_xy × lanes. Blocks are the outer loop so a block of wU stays cached across frames.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no tier-0 pass
    public static void ProjectWX<TVec, TL>(long[] starts, int frames, int blocks, ushort* pixelIndex, float* values, float* wU, float* dstJ, int lanes, int frameBegin, int frameEnd)
        where TVec : struct
        where TL : struct, ILanes<TVec>
    {
        int stride = frames + 1;
        new Span<float>(dstJ + ((long)frameBegin * lanes), (frameEnd - frameBegin) * lanes).Clear();
        for (int b = 0; b < blocks; b++)
        {
            for (int j = frameBegin; j < frameEnd; j++)
            {
                long p0 = starts[((long)b * stride) + j];
                long p1 = starts[((long)b * stride) + j + 1];
                if (p0 == p1)
                {
                    continue;
                }

                AllLanes<TVec, TL, AddToPartial>(pixelIndex, values, p0, p1, wU, dstJ + ((long)j * lanes), lanes, null, null, 0);
            }
        }
    }

    // d[0..lanes) += Σ_p x_p · rows[idx_p, 0..lanes) for one segment, in as few passes over its nonzeros as the
    // registers allow: a pass costs the index, value and address work of every nonzero again, which at 48 lanes on AVX2
    // (4 + 2 vectors before) was a third of the time. Lanes are a multiple of the width (see SparseXOperand). When one
    // pass covers the row, its length is a JIT-time constant, so a nonzero's row address is one scaled add.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AllLanes<TVec, TL, TSink>(ushort* idx, float* val, long p0, long p1, float* rows, float* d, int lanes, double* dd, double* magic, double grid)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where TSink : struct, ISegmentSink
    {
        int n = (int)(p1 - p0);
        idx += p0;
        val += p0;
        switch (lanes / TL.Count)
        {
            case 1: GatherFrame<TVec, TL, Vectors1, RowIsPass, TSink>(idx, val, n, rows, d, lanes, dd, magic, grid); return;
            case 2: GatherFrame<TVec, TL, Vectors2, RowIsPass, TSink>(idx, val, n, rows, d, lanes, dd, magic, grid); return;
            case 3: GatherFrame<TVec, TL, Vectors3, RowIsPass, TSink>(idx, val, n, rows, d, lanes, dd, magic, grid); return;
            case 4: GatherFrame<TVec, TL, Vectors4, RowIsPass, TSink>(idx, val, n, rows, d, lanes, dd, magic, grid); return;
            case 5: GatherFrame<TVec, TL, Vectors5, RowIsPass, TSink>(idx, val, n, rows, d, lanes, dd, magic, grid); return;
            case 6: GatherFrame<TVec, TL, Vectors6, RowIsPass, TSink>(idx, val, n, rows, d, lanes, dd, magic, grid); return;
        }

        int l = 0;
        for (; l + (6 * TL.Count) <= lanes; l += 6 * TL.Count)
        {
            GatherFrame<TVec, TL, Vectors6, RowIsWider, TSink>(idx, val, n, rows + l, d + l, lanes, dd + l, magic + l, grid);
        }

        switch ((lanes - l) / TL.Count)
        {
            case 5: GatherFrame<TVec, TL, Vectors5, RowIsWider, TSink>(idx, val, n, rows + l, d + l, lanes, dd + l, magic + l, grid); break;
            case 4: GatherFrame<TVec, TL, Vectors4, RowIsWider, TSink>(idx, val, n, rows + l, d + l, lanes, dd + l, magic + l, grid); break;
            case 3: GatherFrame<TVec, TL, Vectors3, RowIsWider, TSink>(idx, val, n, rows + l, d + l, lanes, dd + l, magic + l, grid); break;
            case 2: GatherFrame<TVec, TL, Vectors2, RowIsWider, TSink>(idx, val, n, rows + l, d + l, lanes, dd + l, magic + l, grid); break;
            case 1: GatherFrame<TVec, TL, Vectors1, RowIsWider, TSink>(idx, val, n, rows + l, d + l, lanes, dd + l, magic + l, grid); break;
        }
    }

    // d[0..N·W) += Σ_p x_p · rows[idx_p, 0..N·W) for the n entries of one segment (a frame for W·Xᵀ, a pixel for H·X).
    // Two accumulators per vector (even and odd nonzeros, summed at the end) break the FMA latency chain; the split is
    // the same for every N, so a lane's bits never depend on how many lanes share the pass. Never inlined: each
    // instantiation is compiled on its own, because eleven of them inlined into one caller exhaust the JIT's inlining
    // budget and leave Pair/Fma as calls with the accumulators in memory (seen in DOTNET_JitDisasm; 3x slower). A call per
    // segment (~50 nonzeros) costs little.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void GatherFrame<TVec, TL, TN, TRow, TSink>(ushort* idx, float* val, int n, float* rows, float* d, int lanes, double* dd, double* magic, double grid)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where TN : struct, IVectorCount
        where TRow : struct, IRowLength
        where TSink : struct, ISegmentSink
    {
        nuint rowBytes = (nuint)(TRow.OnePass ? TN.N * TL.Count : lanes) * sizeof(float);
        byte* rowBase = (byte*)rows;
        TVec e0 = TL.Zero, e1 = TL.Zero, e2 = TL.Zero, e3 = TL.Zero, e4 = TL.Zero, e5 = TL.Zero;
        TVec o0 = TL.Zero, o1 = TL.Zero, o2 = TL.Zero, o3 = TL.Zero, o4 = TL.Zero, o5 = TL.Zero;
        int p = 0;
        for (; p + 7 < n; p += 8)
        {
            // Four pairs per trip (the same order as the pair loop below, so the bits are unchanged): a quarter of the
            // loop overhead per nonzero.
            Pair<TVec, TL, TN>(idx + p, val + p, rowBase, rowBytes, ref e0, ref e1, ref e2, ref e3, ref e4, ref e5, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5);
            Pair<TVec, TL, TN>(idx + p + 2, val + p + 2, rowBase, rowBytes, ref e0, ref e1, ref e2, ref e3, ref e4, ref e5, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5);
            Pair<TVec, TL, TN>(idx + p + 4, val + p + 4, rowBase, rowBytes, ref e0, ref e1, ref e2, ref e3, ref e4, ref e5, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5);
            Pair<TVec, TL, TN>(idx + p + 6, val + p + 6, rowBase, rowBytes, ref e0, ref e1, ref e2, ref e3, ref e4, ref e5, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5);
        }

        for (; p + 1 < n; p += 2)
        {
            Pair<TVec, TL, TN>(idx + p, val + p, rowBase, rowBytes, ref e0, ref e1, ref e2, ref e3, ref e4, ref e5, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5);
        }

        if (p < n)
        {
            TVec ve = TL.Broadcast(val[p]);
            ref float re = ref Unsafe.AsRef<float>(rowBase + (idx[p] * rowBytes));
            Fma<TVec, TL, TN>(ve, ref re, ref e0, ref e1, ref e2, ref e3, ref e4, ref e5);
        }

        if (TSink.Folds)
        {
            int v = TL.Count;
            TL.FoldExact(TL.Add(e0, o0), dd, magic, grid);
            if (TN.N > 1)
            {
                TL.FoldExact(TL.Add(e1, o1), dd + v, magic + v, grid);
            }

            if (TN.N > 2)
            {
                TL.FoldExact(TL.Add(e2, o2), dd + (2 * v), magic + (2 * v), grid);
            }

            if (TN.N > 3)
            {
                TL.FoldExact(TL.Add(e3, o3), dd + (3 * v), magic + (3 * v), grid);
            }

            if (TN.N > 4)
            {
                TL.FoldExact(TL.Add(e4, o4), dd + (4 * v), magic + (4 * v), grid);
            }

            if (TN.N > 5)
            {
                TL.FoldExact(TL.Add(e5, o5), dd + (5 * v), magic + (5 * v), grid);
            }

            return;
        }

        nuint w = (nuint)TL.Count;
        ref float dr = ref Unsafe.AsRef<float>(d);
        TL.Store(TL.Add(TL.Load(ref dr, 0), TL.Add(e0, o0)), ref dr, 0);
        if (TN.N > 1)
        {
            TL.Store(TL.Add(TL.Load(ref dr, w), TL.Add(e1, o1)), ref dr, w);
        }

        if (TN.N > 2)
        {
            TL.Store(TL.Add(TL.Load(ref dr, 2 * w), TL.Add(e2, o2)), ref dr, 2 * w);
        }

        if (TN.N > 3)
        {
            TL.Store(TL.Add(TL.Load(ref dr, 3 * w), TL.Add(e3, o3)), ref dr, 3 * w);
        }

        if (TN.N > 4)
        {
            TL.Store(TL.Add(TL.Load(ref dr, 4 * w), TL.Add(e4, o4)), ref dr, 4 * w);
        }

        if (TN.N > 5)
        {
            TL.Store(TL.Add(TL.Load(ref dr, 5 * w), TL.Add(e5, o5)), ref dr, 5 * w);
        }
    }

    // Nonzeros p (into the even accumulators) and p + 1 (into the odd ones).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair<TVec, TL, TN>(ushort* idx, float* val, byte* rowBase, nuint rowBytes,
        ref TVec e0, ref TVec e1, ref TVec e2, ref TVec e3, ref TVec e4, ref TVec e5,
        ref TVec o0, ref TVec o1, ref TVec o2, ref TVec o3, ref TVec o4, ref TVec o5)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where TN : struct, IVectorCount
    {
        TVec ve = TL.Broadcast(val[0]);
        TVec vo = TL.Broadcast(val[1]);
        ref float re = ref Unsafe.AsRef<float>(rowBase + (idx[0] * rowBytes));
        ref float ro = ref Unsafe.AsRef<float>(rowBase + (idx[1] * rowBytes));
        Fma<TVec, TL, TN>(ve, ref re, ref e0, ref e1, ref e2, ref e3, ref e4, ref e5);
        Fma<TVec, TL, TN>(vo, ref ro, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5);
    }

    // a_i += v · row[i·W .. (i+1)·W) for the N vectors of one nonzero's row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fma<TVec, TL, TN>(TVec v, ref float row, ref TVec a0, ref TVec a1, ref TVec a2, ref TVec a3, ref TVec a4, ref TVec a5)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where TN : struct, IVectorCount
    {
        nuint w = (nuint)TL.Count;
        a0 = TL.MultiplyAdd(v, TL.Load(ref row, 0), a0);
        if (TN.N > 1)
        {
            a1 = TL.MultiplyAdd(v, TL.Load(ref row, w), a1);
        }

        if (TN.N > 2)
        {
            a2 = TL.MultiplyAdd(v, TL.Load(ref row, 2 * w), a2);
        }

        if (TN.N > 3)
        {
            a3 = TL.MultiplyAdd(v, TL.Load(ref row, 3 * w), a3);
        }

        if (TN.N > 4)
        {
            a4 = TL.MultiplyAdd(v, TL.Load(ref row, 4 * w), a4);
        }

        if (TN.N > 5)
        {
            a5 = TL.MultiplyAdd(v, TL.Load(ref row, 5 * w), a5);
        }
    }
}
