using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using FastNmf.Kernels.Lanes;
using FastNmf.Memory;

namespace FastNmf.Kernels.Dense;

/// <summary>
/// The two tall-skinny products with dense X, hand-written over <see cref="ILanes{TVec}"/> for float32 or uint16 X
/// (<see cref="IXElement{T}"/>). W·Xᵀ keeps four components × four frames of dot products in registers (two frames
/// where only 16 vector registers exist), so each vector of W read from cache feeds four frames; H·X takes two frames ×
/// four components per pass into a block of accumulator rows that stays in L1 while the frames stream through. The
/// streamed frames are prefetched ahead of their loads. Single-threaded over the views they get; the callers split H·X by detector columns and W·Xᵀ by frames,
/// and neither split changes a bit of the result (each output's sum runs in a fixed order over frames or pixels).
/// The scalar reference is <see cref="Gemm.FactorProductsScalar"/>.
/// </summary>
internal static unsafe class DenseLaneKernels
{
    // 1024 floats = 4 KiB per accumulator row: four rows plus two frames' slices fit L1 with room to spare.
    private const int BlockColumns = 1024;

    private const int PrefetchBytes = 1024;

    /// <summary><c>dst[:, j] = W·x_j</c> for the <paramref name="frames"/> frames at <paramref name="x"/> (row stride
    /// <paramref name="xStride"/> elements); w is K × n_uv, dst K × frames.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no tier-0 pass
    public static void ProjectWX<TVec, TL, T, TE>(MatrixView w, T* x, long xStride, int frames, MatrixView dst)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where T : unmanaged
        where TE : struct, IXElement<T>
    {
        // Four frames × four components = sixteen accumulators where 32 vector registers exist (AVX-512), two frames
        // otherwise (16 registers); frames left over go one at a time.
        int perPass = Avx512F.IsSupported ? 4 : 2;
        int j = 0;
        for (; j + perPass <= frames; j += perPass)
        {
            if (perPass == 4)
            {
                ProjectFrames<TVec, TL, T, TE, Vectors4>(w, x + (j * xStride), xStride, dst, j);
            }
            else
            {
                ProjectFrames<TVec, TL, T, TE, Vectors2>(w, x + (j * xStride), xStride, dst, j);
            }
        }

        for (; j < frames; j++)
        {
            ProjectFrames<TVec, TL, T, TE, Vectors1>(w, x + (j * xStride), xStride, dst, j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no tier-0 pass
    private static void ProjectFrames<TVec, TL, T, TE, TF>(MatrixView w, T* x0, long xStride, MatrixView dst, int j)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where T : unmanaged
        where TE : struct, IXElement<T>
        where TF : struct, IVectorCount
    {
        for (int r = 0; r < w.Rows; r += 4)
        {
            switch (Math.Min(4, w.Rows - r))
            {
                case 4: ProjectRows<TVec, TL, T, TE, Vectors4, TF>(w, r, x0, xStride, dst, j); break;
                case 3: ProjectRows<TVec, TL, T, TE, Vectors3, TF>(w, r, x0, xStride, dst, j); break;
                case 2: ProjectRows<TVec, TL, T, TE, Vectors2, TF>(w, r, x0, xStride, dst, j); break;
                default: ProjectRows<TVec, TL, T, TE, Vectors1, TF>(w, r, x0, xStride, dst, j); break;
            }
        }
    }

    /// <summary><c>acc += H·X</c> for the <paramref name="frames"/> frames at <paramref name="x"/> restricted to
    /// acc's columns (x already offset to acc's first column); h is K × frames, acc K × columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no tier-0 pass
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
                        case 4: AccumulateRows<TVec, TL, T, TE, Vectors4>(h, r, j, frames, xStride, xa, xb, acc, c0, width); break;
                        case 3: AccumulateRows<TVec, TL, T, TE, Vectors3>(h, r, j, frames, xStride, xa, xb, acc, c0, width); break;
                        case 2: AccumulateRows<TVec, TL, T, TE, Vectors2>(h, r, j, frames, xStride, xa, xb, acc, c0, width); break;
                        default: AccumulateRows<TVec, TL, T, TE, Vectors1>(h, r, j, frames, xStride, xa, xb, acc, c0, width); break;
                    }
                }
            }
        }
    }

    // Rows r..r+N of dst, columns j..j+count: sixteen independent FMA chains over the pixels (four frames × four
    // components), so each vector of W read from cache feeds four frames; then each chain's lanes are summed and the
    // tail pixels added in order.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no tier-0 pass
    private static void ProjectRows<TVec, TL, T, TE, TN, TF>(MatrixView w, int r, T* x0, long xStride, MatrixView dst, int j)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where T : unmanaged
        where TE : struct, IXElement<T>
        where TN : struct, IVectorCount
        where TF : struct, IVectorCount
    {
        int count = TF.N;
        T* x1 = TF.N > 1 ? x0 + xStride : x0;
        T* x2 = TF.N > 2 ? x0 + (2 * xStride) : x0;
        T* x3 = TF.N > 3 ? x0 + (3 * xStride) : x0;
        int m = w.Cols;
        nuint step = (nuint)TL.Count;
        nuint mv = (nuint)(m - (m % TL.Count));
        ref T f0 = ref Unsafe.AsRef<T>(x0);
        ref T f1 = ref Unsafe.AsRef<T>(x1);
        ref T f2 = ref Unsafe.AsRef<T>(x2);
        ref T f3 = ref Unsafe.AsRef<T>(x3);
        ref float w0 = ref Unsafe.AsRef<float>(w.RowPointer(r));
        ref float w1 = ref TN.N > 1 ? ref Unsafe.AsRef<float>(w.RowPointer(r + 1)) : ref w0;
        ref float w2 = ref TN.N > 2 ? ref Unsafe.AsRef<float>(w.RowPointer(r + 2)) : ref w0;
        ref float w3 = ref TN.N > 3 ? ref Unsafe.AsRef<float>(w.RowPointer(r + 3)) : ref w0;
        TVec a00 = TL.Zero, a01 = TL.Zero, a02 = TL.Zero, a03 = TL.Zero;
        TVec a10 = TL.Zero, a11 = TL.Zero, a12 = TL.Zero, a13 = TL.Zero;
        TVec a20 = TL.Zero, a21 = TL.Zero, a22 = TL.Zero, a23 = TL.Zero;
        TVec a30 = TL.Zero, a31 = TL.Zero, a32 = TL.Zero, a33 = TL.Zero;
        bool prefetch = Sse.IsSupported && r == 0;
        for (nuint u = 0; u < mv; u += step)
        {
            if (prefetch)
            {
                // The first group of components streams the frames from memory: ask for them ahead of the loads.
                Sse.Prefetch0((byte*)Unsafe.AsPointer(ref Unsafe.Add(ref f0, u)) + PrefetchBytes);
                if (TF.N > 1)
                {
                    Sse.Prefetch0((byte*)Unsafe.AsPointer(ref Unsafe.Add(ref f1, u)) + PrefetchBytes);
                }

                if (TF.N > 3)
                {
                    Sse.Prefetch0((byte*)Unsafe.AsPointer(ref Unsafe.Add(ref f2, u)) + PrefetchBytes);
                    Sse.Prefetch0((byte*)Unsafe.AsPointer(ref Unsafe.Add(ref f3, u)) + PrefetchBytes);
                }
            }

            TVec v0 = TE.Load<TVec, TL>(ref f0, u);
            TVec v1 = TF.N > 1 ? TE.Load<TVec, TL>(ref f1, u) : v0;
            TVec v2 = TF.N > 3 ? TE.Load<TVec, TL>(ref f2, u) : v0;
            TVec v3 = TF.N > 3 ? TE.Load<TVec, TL>(ref f3, u) : v0;
            TVec c0 = TL.Load(ref w0, u);
            a00 = TL.MultiplyAdd(v0, c0, a00);
            a01 = TF.N > 1 ? TL.MultiplyAdd(v1, c0, a01) : a01;
            a02 = TF.N > 3 ? TL.MultiplyAdd(v2, c0, a02) : a02;
            a03 = TF.N > 3 ? TL.MultiplyAdd(v3, c0, a03) : a03;

            if (TN.N > 1)
            {
                TVec c1 = TL.Load(ref w1, u);
                a10 = TL.MultiplyAdd(v0, c1, a10);
                a11 = TF.N > 1 ? TL.MultiplyAdd(v1, c1, a11) : a11;
                a12 = TF.N > 3 ? TL.MultiplyAdd(v2, c1, a12) : a12;
                a13 = TF.N > 3 ? TL.MultiplyAdd(v3, c1, a13) : a13;
            }

            if (TN.N > 2)
            {
                TVec c2 = TL.Load(ref w2, u);
                a20 = TL.MultiplyAdd(v0, c2, a20);
                a21 = TF.N > 1 ? TL.MultiplyAdd(v1, c2, a21) : a21;
                a22 = TF.N > 3 ? TL.MultiplyAdd(v2, c2, a22) : a22;
                a23 = TF.N > 3 ? TL.MultiplyAdd(v3, c2, a23) : a23;
            }

            if (TN.N > 3)
            {
                TVec c3 = TL.Load(ref w3, u);
                a30 = TL.MultiplyAdd(v0, c3, a30);
                a31 = TF.N > 1 ? TL.MultiplyAdd(v1, c3, a31) : a31;
                a32 = TF.N > 3 ? TL.MultiplyAdd(v2, c3, a32) : a32;
                a33 = TF.N > 3 ? TL.MultiplyAdd(v3, c3, a33) : a33;
            }
        }

        Finish<TVec, TL, T, TE>(a00, a01, a02, a03, ref w0, ref f0, ref f1, ref f2, ref f3, mv, m, dst.RowPointer(r) + j, count);

        if (TN.N > 1)
        {
            Finish<TVec, TL, T, TE>(a10, a11, a12, a13, ref w1, ref f0, ref f1, ref f2, ref f3, mv, m, dst.RowPointer(r + 1) + j, count);
        }

        if (TN.N > 2)
        {
            Finish<TVec, TL, T, TE>(a20, a21, a22, a23, ref w2, ref f0, ref f1, ref f2, ref f3, mv, m, dst.RowPointer(r + 2) + j, count);
        }

        if (TN.N > 3)
        {
            Finish<TVec, TL, T, TE>(a30, a31, a32, a33, ref w3, ref f0, ref f1, ref f2, ref f3, mv, m, dst.RowPointer(r + 3) + j, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TVec, TL, T, TE>(TVec a0, TVec a1, TVec a2, TVec a3, ref float wRow, ref T f0, ref T f1, ref T f2, ref T f3, nuint mv, int m, float* d, int count)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where T : unmanaged
        where TE : struct, IXElement<T>
    {
        float s0 = TL.Sum(a0), s1 = TL.Sum(a1), s2 = TL.Sum(a2), s3 = TL.Sum(a3);
        for (nuint u = mv; u < (nuint)m; u++)
        {
            float wu = Unsafe.Add(ref wRow, u);
            s0 = MathF.FusedMultiplyAdd(TE.ToSingle(Unsafe.Add(ref f0, u)), wu, s0);
            s1 = MathF.FusedMultiplyAdd(TE.ToSingle(Unsafe.Add(ref f1, u)), wu, s1);
            s2 = MathF.FusedMultiplyAdd(TE.ToSingle(Unsafe.Add(ref f2, u)), wu, s2);
            s3 = MathF.FusedMultiplyAdd(TE.ToSingle(Unsafe.Add(ref f3, u)), wu, s3);
        }

        d[0] = s0;
        if (count > 1)
        {
            d[1] = s1;
        }

        if (count > 2)
        {
            d[2] = s2;
        }

        if (count > 3)
        {
            d[3] = s3;
        }
    }

    // acc[r..r+N, c0..c0+width) += h[·, j]·x_j (+ h[·, j+1]·x_{j+1}), frame j first: a fixed order whatever the split.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: no tier-0 pass
    private static void AccumulateRows<TVec, TL, T, TE, TN>(MatrixView h, int r, int j, int frames, long xStride, T* xa, T* xb, MatrixView acc, int c0, int width)
        where TVec : struct
        where TL : struct, ILanes<TVec>
        where T : unmanaged
        where TE : struct, IXElement<T>
        where TN : struct, IVectorCount
    {
        bool pair = j + 1 < frames;
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
        bool prefetch = Sse.IsSupported && r == 0 && j + 3 < frames;
        ref T pa = ref Unsafe.AsRef<T>(xa + (2 * xStride));
        ref T pb = ref Unsafe.AsRef<T>(xa + (3 * xStride));
        for (nuint u = 0; u < wv; u += step)
        {
            if (prefetch)
            {
                // The frames of the next pair, same columns: their rows are 64 KiB apart, which the hardware
                // prefetcher does not follow.
                Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref pa, u)));
                Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref pb, u)));
            }

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
