using System.Runtime.CompilerServices;
using FastNmf.Kernels.Lanes;
using FastNmf.Memory;

namespace FastNmf.Kernels.Dense;

/// <summary>
/// The two tall-skinny products with dense X, hand-written over <see cref="ILanes{TVec}"/> for float32 or uint16 X
/// (<see cref="IXElement{T}"/>). Both take two frames and up to four components per pass, so each vector of X feeds
/// eight fused multiply-adds held in registers: W·Xᵀ keeps the eight dot products in registers and reads each frame
/// once per group of four components; H·X updates a block of accumulator rows that stays in L1 while the frames stream
/// through. Single-threaded over the views they get; the callers split H·X by detector columns and W·Xᵀ by frames,
/// and neither split changes a bit of the result (each output's sum runs in a fixed order over frames or pixels).
/// The scalar reference is <see cref="Gemm.FactorProductsScalar"/>.
/// </summary>
internal static unsafe class DenseLaneKernels
{
    // 1024 floats = 4 KiB per accumulator row: four rows plus two frames' slices fit L1 with room to spare.
    private const int BlockColumns = 1024;

    /// <summary><c>dst[:, j] = W·x_j</c> for the <paramref name="frames"/> frames at <paramref name="x"/> (row stride
    /// <paramref name="xStride"/> elements); w is K × n_uv, dst K × frames.</summary>
    public static void ProjectWX<TVec, TL, T, TE>(MatrixView w, T* x, long xStride, int frames, MatrixView dst)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where T : unmanaged
        where TE : struct, IXElement<T>
    {
        int k = w.Rows;
        for (int j = 0; j < frames; j += 2)
        {
            bool pair = j + 1 < frames;
            T* xa = x + (j * xStride);
            T* xb = pair ? xa + xStride : xa;
            for (int r = 0; r < k; r += 4)
            {
                switch (Math.Min(4, k - r))
                {
                    case 4: ProjectRows<TVec, TL, T, TE, Vectors4>(w, r, xa, xb, dst, j, pair); break;
                    case 3: ProjectRows<TVec, TL, T, TE, Vectors3>(w, r, xa, xb, dst, j, pair); break;
                    case 2: ProjectRows<TVec, TL, T, TE, Vectors2>(w, r, xa, xb, dst, j, pair); break;
                    default: ProjectRows<TVec, TL, T, TE, Vectors1>(w, r, xa, xb, dst, j, pair); break;
                }
            }
        }
    }

    /// <summary><c>acc += H·X</c> for the <paramref name="frames"/> frames at <paramref name="x"/> restricted to
    /// acc's columns (x already offset to acc's first column); h is K × frames, acc K × columns.</summary>
    public static void AccumulateHX<TVec, TL, T, TE>(MatrixView h, T* x, long xStride, int frames, MatrixView acc)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where T : unmanaged
        where TE : struct, IXElement<T>
    {
        int k = acc.Rows;
        for (int c0 = 0; c0 < acc.Cols; c0 += BlockColumns)
        {
            int width = Math.Min(BlockColumns, acc.Cols - c0);
            for (int j = 0; j < frames; j += 2)
            {
                bool pair = j + 1 < frames;
                T* xa = x + (j * xStride) + c0;
                T* xb = pair ? xa + xStride : xa;
                for (int r = 0; r < k; r += 4)
                {
                    switch (Math.Min(4, k - r))
                    {
                        case 4: AccumulateRows<TVec, TL, T, TE, Vectors4>(h, r, j, pair, xa, xb, acc, c0, width); break;
                        case 3: AccumulateRows<TVec, TL, T, TE, Vectors3>(h, r, j, pair, xa, xb, acc, c0, width); break;
                        case 2: AccumulateRows<TVec, TL, T, TE, Vectors2>(h, r, j, pair, xa, xb, acc, c0, width); break;
                        default: AccumulateRows<TVec, TL, T, TE, Vectors1>(h, r, j, pair, xa, xb, acc, c0, width); break;
                    }
                }
            }
        }
    }

    // Rows r..r+N of dst, columns j (and j+1 when pair): eight independent FMA chains over the pixels, then each chain's
    // lanes summed and the tail pixels added in order.
    private static void ProjectRows<TVec, TL, T, TE, TN>(MatrixView w, int r, T* xa, T* xb, MatrixView dst, int j, bool pair)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where T : unmanaged
        where TE : struct, IXElement<T>
        where TN : struct, IVectorCount
    {
        int m = w.Cols;
        nuint step = (nuint)TL.Count;
        nuint mv = (nuint)(m - (m % TL.Count));
        ref T ra = ref Unsafe.AsRef<T>(xa);
        ref T rb = ref Unsafe.AsRef<T>(xb);
        ref float w0 = ref Unsafe.AsRef<float>(w.RowPointer(r));
        ref float w1 = ref TN.N > 1 ? ref Unsafe.AsRef<float>(w.RowPointer(r + 1)) : ref w0;
        ref float w2 = ref TN.N > 2 ? ref Unsafe.AsRef<float>(w.RowPointer(r + 2)) : ref w0;
        ref float w3 = ref TN.N > 3 ? ref Unsafe.AsRef<float>(w.RowPointer(r + 3)) : ref w0;
        TVec a0 = TL.Zero, a1 = TL.Zero, a2 = TL.Zero, a3 = TL.Zero;
        TVec b0 = TL.Zero, b1 = TL.Zero, b2 = TL.Zero, b3 = TL.Zero;
        for (nuint u = 0; u < mv; u += step)
        {
            TVec va = TE.Load<TVec, TL>(ref ra, u);
            TVec vb = TE.Load<TVec, TL>(ref rb, u);
            TVec v = TL.Load(ref w0, u);
            a0 = TL.MultiplyAdd(va, v, a0);
            b0 = TL.MultiplyAdd(vb, v, b0);
            if (TN.N > 1)
            {
                v = TL.Load(ref w1, u);
                a1 = TL.MultiplyAdd(va, v, a1);
                b1 = TL.MultiplyAdd(vb, v, b1);
            }

            if (TN.N > 2)
            {
                v = TL.Load(ref w2, u);
                a2 = TL.MultiplyAdd(va, v, a2);
                b2 = TL.MultiplyAdd(vb, v, b2);
            }

            if (TN.N > 3)
            {
                v = TL.Load(ref w3, u);
                a3 = TL.MultiplyAdd(va, v, a3);
                b3 = TL.MultiplyAdd(vb, v, b3);
            }
        }

        Finish<TVec, TL, T, TE>(a0, b0, ref w0, ref ra, ref rb, mv, m, dst.RowPointer(r) + j, pair);
        if (TN.N > 1)
        {
            Finish<TVec, TL, T, TE>(a1, b1, ref w1, ref ra, ref rb, mv, m, dst.RowPointer(r + 1) + j, pair);
        }

        if (TN.N > 2)
        {
            Finish<TVec, TL, T, TE>(a2, b2, ref w2, ref ra, ref rb, mv, m, dst.RowPointer(r + 2) + j, pair);
        }

        if (TN.N > 3)
        {
            Finish<TVec, TL, T, TE>(a3, b3, ref w3, ref ra, ref rb, mv, m, dst.RowPointer(r + 3) + j, pair);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TVec, TL, T, TE>(TVec a, TVec b, ref float wRow, ref T ra, ref T rb, nuint mv, int m, float* d, bool pair)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where T : unmanaged
        where TE : struct, IXElement<T>
    {
        float sa = TL.Sum(a);
        float sb = TL.Sum(b);
        for (nuint u = mv; u < (nuint)m; u++)
        {
            float wu = Unsafe.Add(ref wRow, u);
            sa = MathF.FusedMultiplyAdd(TE.ToSingle(Unsafe.Add(ref ra, u)), wu, sa);
            sb = MathF.FusedMultiplyAdd(TE.ToSingle(Unsafe.Add(ref rb, u)), wu, sb);
        }

        d[0] = sa;
        if (pair)
        {
            d[1] = sb;
        }
    }

    // acc[r..r+N, c0..c0+width) += h[·, j]·x_j (+ h[·, j+1]·x_{j+1}), frame j first: a fixed order whatever the split.
    private static void AccumulateRows<TVec, TL, T, TE, TN>(MatrixView h, int r, int j, bool pair, T* xa, T* xb, MatrixView acc, int c0, int width)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where T : unmanaged
        where TE : struct, IXElement<T>
        where TN : struct, IVectorCount
    {
        float ha0 = h.RowPointer(r)[j], hb0 = pair ? h.RowPointer(r)[j + 1] : 0f;
        float ha1 = TN.N > 1 ? h.RowPointer(r + 1)[j] : 0f, hb1 = TN.N > 1 && pair ? h.RowPointer(r + 1)[j + 1] : 0f;
        float ha2 = TN.N > 2 ? h.RowPointer(r + 2)[j] : 0f, hb2 = TN.N > 2 && pair ? h.RowPointer(r + 2)[j + 1] : 0f;
        float ha3 = TN.N > 3 ? h.RowPointer(r + 3)[j] : 0f, hb3 = TN.N > 3 && pair ? h.RowPointer(r + 3)[j + 1] : 0f;
        if (ha0 == 0f && hb0 == 0f && ha1 == 0f && hb1 == 0f && ha2 == 0f && hb2 == 0f && ha3 == 0f && hb3 == 0f)
        {
            // Maps are sparse after projection: adding zero weights changes nothing.
            return;
        }

        nuint step = (nuint)TL.Count;
        nuint wv = (nuint)(width - (width % TL.Count));
        ref T ra = ref Unsafe.AsRef<T>(xa);
        ref T rb = ref Unsafe.AsRef<T>(xb);
        ref float d0 = ref Unsafe.AsRef<float>(acc.RowPointer(r) + c0);
        ref float d1 = ref TN.N > 1 ? ref Unsafe.AsRef<float>(acc.RowPointer(r + 1) + c0) : ref d0;
        ref float d2 = ref TN.N > 2 ? ref Unsafe.AsRef<float>(acc.RowPointer(r + 2) + c0) : ref d0;
        ref float d3 = ref TN.N > 3 ? ref Unsafe.AsRef<float>(acc.RowPointer(r + 3) + c0) : ref d0;
        TVec va0 = TL.Broadcast(ha0), vb0 = TL.Broadcast(hb0);
        TVec va1 = TL.Broadcast(ha1), vb1 = TL.Broadcast(hb1);
        TVec va2 = TL.Broadcast(ha2), vb2 = TL.Broadcast(hb2);
        TVec va3 = TL.Broadcast(ha3), vb3 = TL.Broadcast(hb3);
        for (nuint u = 0; u < wv; u += step)
        {
            TVec xu = TE.Load<TVec, TL>(ref ra, u);
            TVec xv = TE.Load<TVec, TL>(ref rb, u);
            TL.Store(TL.MultiplyAdd(vb0, xv, TL.MultiplyAdd(va0, xu, TL.Load(ref d0, u))), ref d0, u);
            if (TN.N > 1)
            {
                TL.Store(TL.MultiplyAdd(vb1, xv, TL.MultiplyAdd(va1, xu, TL.Load(ref d1, u))), ref d1, u);
            }

            if (TN.N > 2)
            {
                TL.Store(TL.MultiplyAdd(vb2, xv, TL.MultiplyAdd(va2, xu, TL.Load(ref d2, u))), ref d2, u);
            }

            if (TN.N > 3)
            {
                TL.Store(TL.MultiplyAdd(vb3, xv, TL.MultiplyAdd(va3, xu, TL.Load(ref d3, u))), ref d3, u);
            }
        }

        for (nuint u = wv; u < (nuint)width; u++)
        {
            float xu = TE.ToSingle(Unsafe.Add(ref ra, u));
            float xv = TE.ToSingle(Unsafe.Add(ref rb, u));
            Unsafe.Add(ref d0, u) = MathF.FusedMultiplyAdd(hb0, xv, MathF.FusedMultiplyAdd(ha0, xu, Unsafe.Add(ref d0, u)));
            if (TN.N > 1)
            {
                Unsafe.Add(ref d1, u) = MathF.FusedMultiplyAdd(hb1, xv, MathF.FusedMultiplyAdd(ha1, xu, Unsafe.Add(ref d1, u)));
            }

            if (TN.N > 2)
            {
                Unsafe.Add(ref d2, u) = MathF.FusedMultiplyAdd(hb2, xv, MathF.FusedMultiplyAdd(ha2, xu, Unsafe.Add(ref d2, u)));
            }

            if (TN.N > 3)
            {
                Unsafe.Add(ref d3, u) = MathF.FusedMultiplyAdd(hb3, xv, MathF.FusedMultiplyAdd(ha3, xu, Unsafe.Add(ref d3, u)));
            }
        }
    }
}
