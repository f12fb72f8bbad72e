using System.Runtime.CompilerServices;
using FastNmf.Kernels.Lanes;

namespace FastNmf.Kernels.Sparse;

/// <summary>
/// The one kernel of both products with sparse X (<see cref="Storage.SparseSpans{TValue}"/>): for one span and a range
/// of rows, each row's nonzeros x_p (at most 64, at positions within the span) times the panel's rows at those
/// positions, summed over one tile of lanes in registers and added to the row's accumulator. W·Xᵀ runs it with the
/// frames as rows and a span of W's pixel rows as the panel; H·X with the pixels as rows and a span of H's frame rows.
/// </summary>
/// <remarks>
/// Per nonzero: one broadcast and up to six fused multiply-adds, each with its load from the panel (in L1: 64 rows of
/// at most 96 lanes). Two accumulators per vector (even and odd nonzeros of the segment, added at its end) break the
/// FMA latency chain. Each lane's sum runs over the same nonzeros in the same order whatever K, the tile, the vector
/// width or the rows around it, so batching restarts changes no bit of any restart, and the scalar width
/// (<see cref="LanesScalar"/>, fused too) is the exact twin of the vector ones.
/// </remarks>
internal static unsafe class SparseLaneKernels
{
    /// <summary>
    /// <c>acc[r, 0..T) += Σ_p value_p · panel[position_p, 0..T)</c> for rows [<paramref name="rowBegin"/>,
    /// <paramref name="rowEnd"/>), where row r's entries are [<c>offsets[r]</c>, <c>offsets[r + 1]</c>) of
    /// <paramref name="positions"/> and <paramref name="values"/>, T = <paramref name="vectors"/> vectors of the width,
    /// and both <paramref name="panel"/> and <paramref name="acc"/> are rows of exactly T floats.
    /// </summary>
    public static void AccumulateSpan<TVec, TL, TValue>(int vectors, uint* offsets, byte* positions, TValue* values, int rowBegin, int rowEnd, float* panel, float* acc)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where TValue : unmanaged =>
        Dispatch<TVec, TL, TValue, AddToRow>(vectors, offsets, positions, values, rowBegin, rowEnd, panel, acc, null, null, null);

    /// <summary>
    /// The same sums, each row's rounded onto its grid and added to double accumulators (rows of T doubles):
    /// <c>acc[r, l] += round(Σ_p value_p · panel[position_p, l])</c> on the grid
    /// <c>rowGrid[r] · laneMagic[l] / (1.5·2^52)</c> — a canonical block held as one span, folded without a float
    /// partial in memory (the bits of <see cref="AccumulateSpan{TVec, TL, TValue}"/> into a cleared partial followed by
    /// <see cref="Reductions.ExactFold.AddRows"/>).
    /// </summary>
    public static void FoldSpan<TVec, TL, TValue>(int vectors, uint* offsets, byte* positions, TValue* values, int rowBegin, int rowEnd, float* panel, double* acc, double* laneMagic, double* rowGrid)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where TValue : unmanaged =>
        Dispatch<TVec, TL, TValue, FoldToAccumulator>(vectors, offsets, positions, values, rowBegin, rowEnd, panel, null, acc, laneMagic, rowGrid);

    private static void Dispatch<TVec, TL, TValue, TSink>(int vectors, uint* offsets, byte* positions, TValue* values, int rowBegin, int rowEnd, float* panel, float* acc, double* accD, double* laneMagic, double* rowGrid)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where TValue : unmanaged
        where TSink : struct, ISegmentSink
    {
        switch (vectors)
        {
            case 1: Rows<TVec, TL, Vectors1, TValue, TSink>(offsets, positions, values, rowBegin, rowEnd, panel, acc, accD, laneMagic, rowGrid); break;
            case 2: Rows<TVec, TL, Vectors2, TValue, TSink>(offsets, positions, values, rowBegin, rowEnd, panel, acc, accD, laneMagic, rowGrid); break;
            case 3: Rows<TVec, TL, Vectors3, TValue, TSink>(offsets, positions, values, rowBegin, rowEnd, panel, acc, accD, laneMagic, rowGrid); break;
            case 4: Rows<TVec, TL, Vectors4, TValue, TSink>(offsets, positions, values, rowBegin, rowEnd, panel, acc, accD, laneMagic, rowGrid); break;
            case 5: Rows<TVec, TL, Vectors5, TValue, TSink>(offsets, positions, values, rowBegin, rowEnd, panel, acc, accD, laneMagic, rowGrid); break;
            case 6: Rows<TVec, TL, Vectors6, TValue, TSink>(offsets, positions, values, rowBegin, rowEnd, panel, acc, accD, laneMagic, rowGrid); break;
            default: throw new ArgumentOutOfRangeException(nameof(vectors), $"a tile holds 1 to {LaneTiles.MaxVectors} vectors, got {vectors}.");
        }
    }

    // One compiled method per (width, tile vectors, value type, sink): the row loop with the segment body inlined.
    // Counts are widened to float (exact) into a stack buffer first, so the gather loop broadcasts straight from memory
    // either way.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Rows<TVec, TL, TN, TValue, TSink>(uint* offsets, byte* positions, TValue* values, int rowBegin, int rowEnd, float* panel, float* acc, double* accD, double* laneMagic, double* rowGrid)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where TN : struct, IVectorCount
        where TValue : unmanaged
        where TSink : struct, ISegmentSink
    {
        int width = TN.N * TL.Count;
        nuint rowBytes = (nuint)width * sizeof(float);
        float* widened = stackalloc float[Storage.SparseSpanLayout.Length + 16];
        for (int r = rowBegin; r < rowEnd; r++)
        {
            uint p0 = offsets[r];
            int n = (int)(offsets[r + 1] - p0);
            if (n == 0)
            {
                continue;
            }

            float* v;
            if (typeof(TValue) == typeof(float))
            {
                v = (float*)(values + p0);
            }
            else
            {
                Widen<TVec, TL>((ushort*)(values + p0), n, widened);
                v = widened;
            }

            if (TSink.Folds)
            {
                Segment<TVec, TL, TN, TSink>(positions + p0, v, n, (byte*)panel, rowBytes, null, accD + ((long)r * width), laneMagic, rowGrid[r]);
            }
            else
            {
                Segment<TVec, TL, TN, TSink>(positions + p0, v, n, (byte*)panel, rowBytes, acc + ((long)r * width), null, null, 0);
            }
        }
    }

    // dst[0..n) = (float)src[0..n) a vector at a time (the source is padded: up to Count − 1 values past n are read).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Widen<TVec, TL>(ushort* src, int n, float* dst)
        where TVec : struct
        where TL : struct, ILanes<TVec>
    {
        ref ushort s = ref Unsafe.AsRef<ushort>(src);
        ref float d = ref Unsafe.AsRef<float>(dst);
        for (int i = 0; i < n; i += TL.Count)
        {
            TL.Store(TL.LoadWidened(ref s, (nuint)i), ref d, (nuint)i);
        }
    }

    // d[0..N·W) += Σ_p val_p · panel[idx_p, 0..N·W) for the n entries of one segment (or the sums folded into dd).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Segment<TVec, TL, TN, TSink>(byte* idx, float* val, int n, byte* panel, nuint rowBytes, float* d, double* dd, double* magic, double grid)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where TN : struct, IVectorCount
        where TSink : struct, ISegmentSink
    {
        TVec e0 = TL.Zero, e1 = TL.Zero, e2 = TL.Zero, e3 = TL.Zero, e4 = TL.Zero, e5 = TL.Zero;
        TVec o0 = TL.Zero, o1 = TL.Zero, o2 = TL.Zero, o3 = TL.Zero, o4 = TL.Zero, o5 = TL.Zero;
        int p = 0;
        for (; p + 7 < n; p += 8)
        {
            // Four pairs per trip (the same order as the pair loop below, so the bits are unchanged): a quarter of the
            // loop overhead per nonzero.
            Pair<TVec, TL, TN>(idx + p, val + p, panel, rowBytes, ref e0, ref e1, ref e2, ref e3, ref e4, ref e5, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5);
            Pair<TVec, TL, TN>(idx + p + 2, val + p + 2, panel, rowBytes, ref e0, ref e1, ref e2, ref e3, ref e4, ref e5, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5);
            Pair<TVec, TL, TN>(idx + p + 4, val + p + 4, panel, rowBytes, ref e0, ref e1, ref e2, ref e3, ref e4, ref e5, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5);
            Pair<TVec, TL, TN>(idx + p + 6, val + p + 6, panel, rowBytes, ref e0, ref e1, ref e2, ref e3, ref e4, ref e5, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5);
        }

        for (; p + 1 < n; p += 2)
        {
            Pair<TVec, TL, TN>(idx + p, val + p, panel, rowBytes, ref e0, ref e1, ref e2, ref e3, ref e4, ref e5, ref o0, ref o1, ref o2, ref o3, ref o4, ref o5);
        }

        if (p < n)
        {
            TVec ve = TL.Broadcast(val[p]);
            ref float re = ref Unsafe.AsRef<float>(panel + (idx[p] * rowBytes));
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
    private static void Pair<TVec, TL, TN>(byte* idx, float* val, byte* panel, nuint rowBytes,
        ref TVec e0, ref TVec e1, ref TVec e2, ref TVec e3, ref TVec e4, ref TVec e5,
        ref TVec o0, ref TVec o1, ref TVec o2, ref TVec o3, ref TVec o4, ref TVec o5)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where TN : struct, IVectorCount
    {
        TVec ve = TL.Broadcast(val[0]);
        TVec vo = TL.Broadcast(val[1]);
        ref float re = ref Unsafe.AsRef<float>(panel + (idx[0] * rowBytes));
        ref float ro = ref Unsafe.AsRef<float>(panel + (idx[1] * rowBytes));
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
