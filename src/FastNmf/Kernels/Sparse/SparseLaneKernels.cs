using System.Runtime.CompilerServices;
using FastNmf.Kernels.Lanes;

namespace FastNmf.Kernels.Sparse;

/// <summary>
/// The two products with sparse X, with all K components (every restart's k) as lanes of one row: for each nonzero
/// x_{u,j}, one broadcast and K/lanes fused multiply-adds into register accumulators (H·X from the pixel-major copy,
/// W·Xᵀ from the frame-major one). Rows are <c>lanes</c> floats long (K padded with zero lanes
/// to a multiple of 16). Up to four vectors of lanes are updated per visit of a nonzero (register blocking), so the
/// index, value and address work is shared by 64 lanes. Each lane's sum runs over the same nonzeros in the same order
/// whatever K, the width, the blocking or the thread partition, so batching restarts changes no bit of any restart.
/// </summary>
internal static unsafe class SparseLaneKernels
{
    /// <summary>
    /// <c>accU[u, :] = Σ_j x_{u,j} · hJ[j, :]</c> for pixels [<paramref name="pixelBegin"/>, <paramref name="pixelEnd"/>)
    /// from the pixel-major copy: frame blocks outer (one block of hJ stays in L1), pixels inner, each pixel's lanes
    /// accumulated in registers and stored once per block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no tier-0 pass
    public static void AccumulateHXByPixel<TVec, TL>(SparsePixels x, float* hJ, float* accU, int lanes, int pixelBegin, int pixelEnd)
        where TVec : struct
        where TL : struct, ILanes<TVec>
    {
        long[] starts = x.SegmentStart;
        int stride = x.Pixels + 1;
        ushort* idx = x.FrameInBlock;
        float* val = x.Values;
        new Span<float>(accU + ((long)pixelBegin * lanes), (pixelEnd - pixelBegin) * lanes).Clear();
        for (int b = 0; b < x.Blocks; b++)
        {
            float* hb = hJ + ((long)b * x.BlockSize * lanes);
            for (int u = pixelBegin; u < pixelEnd; u++)
            {
                long p0 = starts[((long)b * stride) + u];
                long p1 = starts[((long)b * stride) + u + 1];
                if (p0 == p1)
                {
                    continue;
                }

                float* d = accU + ((long)u * lanes);
                int l = 0;
                for (; l + (4 * TL.Count) <= lanes; l += 4 * TL.Count)
                {
                    GatherFrame<TVec, TL, Vectors4>(idx, val, p0, p1, hb, d, lanes, l);
                }

                switch ((lanes - l) / TL.Count)
                {
                    case 3: GatherFrame<TVec, TL, Vectors3>(idx, val, p0, p1, hb, d, lanes, l); break;
                    case 2: GatherFrame<TVec, TL, Vectors2>(idx, val, p0, p1, hb, d, lanes, l); break;
                    case 1: GatherFrame<TVec, TL, Vectors1>(idx, val, p0, p1, hb, d, lanes, l); break;
                }
            }
        }
    }

    /// <summary>
    /// <c>dstJ[j, :] = Σ_u x_{u,j} · wU[u, :]</c> for frames [<paramref name="frameBegin"/>, <paramref name="frameEnd"/>):
    /// wU is n_uv × lanes, dstJ is n_xy × lanes. Blocks are the outer loop so a block of wU stays cached across frames.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no tier-0 pass
    public static void ProjectWX<TVec, TL>(SparseFrames x, float* wU, float* dstJ, int lanes, int frameBegin, int frameEnd)
        where TVec : struct
        where TL : struct, ILanes<TVec>
    {
        long[] starts = x.SegmentStart;
        int stride = x.Frames + 1;
        ushort* idx = x.Indices;
        float* val = x.Values;
        new Span<float>(dstJ + ((long)frameBegin * lanes), (frameEnd - frameBegin) * lanes).Clear();
        for (int b = 0; b < x.Blocks; b++)
        {
            for (int j = frameBegin; j < frameEnd; j++)
            {
                long p0 = starts[((long)b * stride) + j];
                long p1 = starts[((long)b * stride) + j + 1];
                if (p0 == p1)
                {
                    continue;
                }

                float* d = dstJ + ((long)j * lanes);
                int l = 0;
                for (; l + (4 * TL.Count) <= lanes; l += 4 * TL.Count)
                {
                    GatherFrame<TVec, TL, Vectors4>(idx, val, p0, p1, wU, d, lanes, l);
                }

                switch ((lanes - l) / TL.Count)
                {
                    case 3: GatherFrame<TVec, TL, Vectors3>(idx, val, p0, p1, wU, d, lanes, l); break;
                    case 2: GatherFrame<TVec, TL, Vectors2>(idx, val, p0, p1, wU, d, lanes, l); break;
                    case 1: GatherFrame<TVec, TL, Vectors1>(idx, val, p0, p1, wU, d, lanes, l); break;
                }
            }
        }
    }

    // d[l..l+N·W) += Σ_p x_p · rows[idx_p, l..l+N·W) for the entries p0..p1 of one segment (a frame for W·Xᵀ, a pixel
    // for H·X). Two accumulators per vector
    // (even and odd nonzeros, summed at the end) break the FMA latency chain; the split is the same for every N, so a
    // lane's bits never depend on how many lanes share the pass.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatherFrame<TVec, TL, TN>(ushort* idx, float* val, long p0, long p1, float* wU, float* d, int lanes, int l)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where TN : struct, IVectorCount
    {
        nuint w = (nuint)TL.Count;
        TVec e0 = TL.Zero, e1 = TL.Zero, e2 = TL.Zero, e3 = TL.Zero;
        TVec o0 = TL.Zero, o1 = TL.Zero, o2 = TL.Zero, o3 = TL.Zero;
        long p = p0;
        for (; p + 7 < p1; p += 8)
        {
            // Four pairs per trip (the same order as the pair loop below, so the bits are unchanged): a quarter of the
            // loop overhead per nonzero.
            Pair<TVec, TL, TN>(idx, val, p, wU, lanes, l, w, ref e0, ref e1, ref e2, ref e3, ref o0, ref o1, ref o2, ref o3);
            Pair<TVec, TL, TN>(idx, val, p + 2, wU, lanes, l, w, ref e0, ref e1, ref e2, ref e3, ref o0, ref o1, ref o2, ref o3);
            Pair<TVec, TL, TN>(idx, val, p + 4, wU, lanes, l, w, ref e0, ref e1, ref e2, ref e3, ref o0, ref o1, ref o2, ref o3);
            Pair<TVec, TL, TN>(idx, val, p + 6, wU, lanes, l, w, ref e0, ref e1, ref e2, ref e3, ref o0, ref o1, ref o2, ref o3);
        }

        for (; p + 1 < p1; p += 2)
        {
            Pair<TVec, TL, TN>(idx, val, p, wU, lanes, l, w, ref e0, ref e1, ref e2, ref e3, ref o0, ref o1, ref o2, ref o3);
        }

        if (p < p1)
        {
            TVec ve = TL.Broadcast(val[p]);
            ref float re = ref Unsafe.AsRef<float>(wU + ((long)idx[p] * lanes) + l);
            e0 = TL.MultiplyAdd(ve, TL.Load(ref re, 0), e0);
            if (TN.N > 1)
            {
                e1 = TL.MultiplyAdd(ve, TL.Load(ref re, w), e1);
            }

            if (TN.N > 2)
            {
                e2 = TL.MultiplyAdd(ve, TL.Load(ref re, 2 * w), e2);
            }

            if (TN.N > 3)
            {
                e3 = TL.MultiplyAdd(ve, TL.Load(ref re, 3 * w), e3);
            }
        }

        ref float dr = ref Unsafe.AsRef<float>(d + l);
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
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair<TVec, TL, TN>(ushort* idx, float* val, long p, float* wU, int lanes, int l, nuint w,
        ref TVec e0, ref TVec e1, ref TVec e2, ref TVec e3, ref TVec o0, ref TVec o1, ref TVec o2, ref TVec o3)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where TN : struct, IVectorCount
    {
        TVec ve = TL.Broadcast(val[p]);
        TVec vo = TL.Broadcast(val[p + 1]);
        ref float re = ref Unsafe.AsRef<float>(wU + ((long)idx[p] * lanes) + l);
        ref float ro = ref Unsafe.AsRef<float>(wU + ((long)idx[p + 1] * lanes) + l);
        e0 = TL.MultiplyAdd(ve, TL.Load(ref re, 0), e0);
        o0 = TL.MultiplyAdd(vo, TL.Load(ref ro, 0), o0);
        if (TN.N > 1)
        {
            e1 = TL.MultiplyAdd(ve, TL.Load(ref re, w), e1);
            o1 = TL.MultiplyAdd(vo, TL.Load(ref ro, w), o1);
        }

        if (TN.N > 2)
        {
            e2 = TL.MultiplyAdd(ve, TL.Load(ref re, 2 * w), e2);
            o2 = TL.MultiplyAdd(vo, TL.Load(ref ro, 2 * w), o2);
        }

        if (TN.N > 3)
        {
            e3 = TL.MultiplyAdd(ve, TL.Load(ref re, 3 * w), e3);
            o3 = TL.MultiplyAdd(vo, TL.Load(ref ro, 3 * w), o3);
        }
    }
}
