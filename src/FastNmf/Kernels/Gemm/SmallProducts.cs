using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using FastNmf.Kernels.Lanes;
using FastNmf.Memory;

namespace FastNmf.Kernels.Gemm;

/// <summary>
/// The k×k products of every iteration — <c>dst = M·src</c> (the solves of Eqs. 7 and 8 and the MU denominators) and
/// the Gram matrix <c>A·Aᵀ</c> in double (WWᵀ, and HHᵀ per canonical block) — as register-blocked kernels. One
/// <c>M·src</c> over n_uv = 16 384 columns at k = 30 is 15 million multiply-adds; done as k² whole-row axpys it streamed
/// k rows of 64 KiB from L2 k times (14 ms per iteration for ten restarts, Emerald Rapids); here a strip of 8 vectors
/// of every src row stays in L1 while all k output rows are formed from it.
/// </summary>
/// <remarks>
/// Each result has one summation order whatever the vector width, so every width (and the scalar twins,
/// <see cref="MultiplyScalar"/>, <see cref="GramScalar"/>) computes the same bits: <c>M·src</c> sums over c in order with
/// one fused multiply-add per term in float (from 0); the Gram sums, per pair of rows, four interleaved lanes of
/// columns (j ≡ l mod 4) in order with fused multiply-adds in double, then ((l0 + l1) + (l2 + l3)), then the last
/// n mod 4 columns in order.
/// </remarks>
internal static unsafe class SmallProducts
{
    // Vectors per strip of M·src: eight independent accumulator chains cover the FMA latency on two units.
    private const int Strip = 8;

    /// <summary><c>dst = M·src</c> for a k×k <paramref name="m"/> (row-major, double, used as float) and k × n src and dst
    /// (not overlapping), at the widest vector width this machine runs (<see cref="LaneWidths.Widest"/>).</summary>
    public static void Multiply(ReadOnlySpan<double> m, MatrixView src, MatrixView dst) => Multiply(LaneWidths.Widest, m, src, dst);

    /// <summary><see cref="Multiply(ReadOnlySpan{double}, MatrixView, MatrixView)"/> at <paramref name="width"/> (one this
    /// machine accelerates: <see cref="LaneWidths.Available"/>).</summary>
    public static void Multiply(LaneWidth width, ReadOnlySpan<double> m, MatrixView src, MatrixView dst)
    {
        Check.Small(m, src, dst);
        switch (width)
        {
            case LaneWidth.Vector512: Multiply<Vector512<float>, Lanes512>(m, src, dst); break;
            case LaneWidth.Vector256: Multiply<Vector256<float>, Lanes256>(m, src, dst); break;
            default: Multiply<float, LanesScalar>(m, src, dst); break;
        }
    }

    /// <summary>The scalar twin of <see cref="Multiply(ReadOnlySpan{double}, MatrixView, MatrixView)"/> (identical bits).</summary>
    public static void MultiplyScalar(ReadOnlySpan<double> m, MatrixView src, MatrixView dst)
    {
        Check.Small(m, src, dst);
        Multiply<float, LanesScalar>(m, src, dst);
    }

    /// <summary><c>g = A·Aᵀ</c> accumulated in double (a is k × n, g is k × k, symmetric).</summary>
    public static void Gram(MatrixView a, Span<double> g)
    {
        Check.Gram(a, g);
        if (!LaneWidths.IsAccelerated(LaneWidth.Vector256))
        {
            GramScalar(a, g);
            return;
        }

        int k = a.Rows;
        int r0 = 0;
        for (; r0 + 4 <= k; r0 += 4)
        {
            int c0 = 0;
            for (; c0 <= r0; c0 += 4)
            {
                GramTile(a, r0, c0, g);
            }
        }

        // Rows left over (k mod 4) pair by pair, in the same order per pair as the tiles.
        for (int r = r0; r < k; r++)
        {
            for (int c = 0; c <= r; c++)
            {
                double sum = GramPair(a.RowPointer(r), a.RowPointer(c), a.Cols);
                g[(r * k) + c] = sum;
                g[(c * k) + r] = sum;
            }
        }
    }

    /// <summary>The scalar twin of <see cref="Gram"/> (identical bits).</summary>
    public static void GramScalar(MatrixView a, Span<double> g)
    {
        Check.Gram(a, g);
        int k = a.Rows, n = a.Cols, n4 = n & ~3;
        for (int r = 0; r < k; r++)
        {
            for (int c = 0; c <= r; c++)
            {
                float* x = a.RowPointer(r), y = a.RowPointer(c);
                double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
                for (int j = 0; j < n4; j += 4)
                {
                    l0 = Math.FusedMultiplyAdd(x[j], y[j], l0);
                    l1 = Math.FusedMultiplyAdd(x[j + 1], y[j + 1], l1);
                    l2 = Math.FusedMultiplyAdd(x[j + 2], y[j + 2], l2);
                    l3 = Math.FusedMultiplyAdd(x[j + 3], y[j + 3], l3);
                }

                double sum = (l0 + l1) + (l2 + l3);
                for (int j = n4; j < n; j++)
                {
                    sum = Math.FusedMultiplyAdd(x[j], y[j], sum);
                }

                g[(r * k) + c] = sum;
                g[(c * k) + r] = sum;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply<TVec, TL>(ReadOnlySpan<double> m, MatrixView src, MatrixView dst)
        where TVec : struct
        where TL : struct, ILanes<TVec>
    {
        int k = src.Rows, n = src.Cols, w = TL.Count;
        int j = 0;
        for (; j + (Strip * w) <= n; j += Strip * w)
        {
            for (int r = 0; r < k; r++)
            {
                TVec a0 = TL.Zero, a1 = TL.Zero, a2 = TL.Zero, a3 = TL.Zero, a4 = TL.Zero, a5 = TL.Zero, a6 = TL.Zero, a7 = TL.Zero;
                for (int c = 0; c < k; c++)
                {
                    TVec v = TL.Broadcast((float)m[(r * k) + c]);
                    ref float s = ref Unsafe.AsRef<float>(src.RowPointer(c) + j);
                    a0 = TL.MultiplyAdd(v, TL.Load(ref s, 0), a0);
                    a1 = TL.MultiplyAdd(v, TL.Load(ref s, (nuint)w), a1);
                    a2 = TL.MultiplyAdd(v, TL.Load(ref s, (nuint)(2 * w)), a2);
                    a3 = TL.MultiplyAdd(v, TL.Load(ref s, (nuint)(3 * w)), a3);
                    a4 = TL.MultiplyAdd(v, TL.Load(ref s, (nuint)(4 * w)), a4);
                    a5 = TL.MultiplyAdd(v, TL.Load(ref s, (nuint)(5 * w)), a5);
                    a6 = TL.MultiplyAdd(v, TL.Load(ref s, (nuint)(6 * w)), a6);
                    a7 = TL.MultiplyAdd(v, TL.Load(ref s, (nuint)(7 * w)), a7);
                }

                ref float d = ref Unsafe.AsRef<float>(dst.RowPointer(r) + j);
                TL.Store(a0, ref d, 0);
                TL.Store(a1, ref d, (nuint)w);
                TL.Store(a2, ref d, (nuint)(2 * w));
                TL.Store(a3, ref d, (nuint)(3 * w));
                TL.Store(a4, ref d, (nuint)(4 * w));
                TL.Store(a5, ref d, (nuint)(5 * w));
                TL.Store(a6, ref d, (nuint)(6 * w));
                TL.Store(a7, ref d, (nuint)(7 * w));
            }
        }

        // The rest a vector, then a value, at a time: the same sum per element.
        for (; j + w <= n; j += w)
        {
            for (int r = 0; r < k; r++)
            {
                TVec a = TL.Zero;
                for (int c = 0; c < k; c++)
                {
                    a = TL.MultiplyAdd(TL.Broadcast((float)m[(r * k) + c]), TL.Load(ref Unsafe.AsRef<float>(src.RowPointer(c) + j), 0), a);
                }

                TL.Store(a, ref Unsafe.AsRef<float>(dst.RowPointer(r) + j), 0);
            }
        }

        for (; j < n; j++)
        {
            for (int r = 0; r < k; r++)
            {
                float a = 0f;
                for (int c = 0; c < k; c++)
                {
                    a = MathF.FusedMultiplyAdd((float)m[(r * k) + c], src.RowPointer(c)[j], a);
                }

                dst.RowPointer(r)[j] = a;
            }
        }
    }

    // Rows r0..r0+3 against rows c0..c0+3 (c0 ≤ r0): sixteen 4-lane double accumulators over the whole row; only the
    // pairs with c ≤ r are written (both halves of g).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GramTile(MatrixView a, int r0, int c0, Span<double> g)
    {
        int k = a.Rows, n = a.Cols, n4 = n & ~3;
        float* x0 = a.RowPointer(r0), x1 = a.RowPointer(r0 + 1), x2 = a.RowPointer(r0 + 2), x3 = a.RowPointer(r0 + 3);
        float* y0 = a.RowPointer(c0), y1 = a.RowPointer(c0 + 1), y2 = a.RowPointer(c0 + 2), y3 = a.RowPointer(c0 + 3);
        Vector256<double> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector256<double> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector256<double> s20 = default, s21 = default, s22 = default, s23 = default;
        Vector256<double> s30 = default, s31 = default, s32 = default, s33 = default;
        for (int j = 0; j < n4; j += 4)
        {
            Vector256<double> b0 = Widen(y0 + j), b1 = Widen(y1 + j), b2 = Widen(y2 + j), b3 = Widen(y3 + j);
            Vector256<double> a0 = Widen(x0 + j);
            s00 = Vector256.FusedMultiplyAdd(a0, b0, s00);
            s01 = Vector256.FusedMultiplyAdd(a0, b1, s01);
            s02 = Vector256.FusedMultiplyAdd(a0, b2, s02);
            s03 = Vector256.FusedMultiplyAdd(a0, b3, s03);
            Vector256<double> a1 = Widen(x1 + j);
            s10 = Vector256.FusedMultiplyAdd(a1, b0, s10);
            s11 = Vector256.FusedMultiplyAdd(a1, b1, s11);
            s12 = Vector256.FusedMultiplyAdd(a1, b2, s12);
            s13 = Vector256.FusedMultiplyAdd(a1, b3, s13);
            Vector256<double> a2 = Widen(x2 + j);
            s20 = Vector256.FusedMultiplyAdd(a2, b0, s20);
            s21 = Vector256.FusedMultiplyAdd(a2, b1, s21);
            s22 = Vector256.FusedMultiplyAdd(a2, b2, s22);
            s23 = Vector256.FusedMultiplyAdd(a2, b3, s23);
            Vector256<double> a3 = Widen(x3 + j);
            s30 = Vector256.FusedMultiplyAdd(a3, b0, s30);
            s31 = Vector256.FusedMultiplyAdd(a3, b1, s31);
            s32 = Vector256.FusedMultiplyAdd(a3, b2, s32);
            s33 = Vector256.FusedMultiplyAdd(a3, b3, s33);
        }

        Store(g, k, r0, c0, 0, 0, s00, x0, y0, n4, n);
        Store(g, k, r0, c0, 0, 1, s01, x0, y1, n4, n);
        Store(g, k, r0, c0, 0, 2, s02, x0, y2, n4, n);
        Store(g, k, r0, c0, 0, 3, s03, x0, y3, n4, n);
        Store(g, k, r0, c0, 1, 0, s10, x1, y0, n4, n);
        Store(g, k, r0, c0, 1, 1, s11, x1, y1, n4, n);
        Store(g, k, r0, c0, 1, 2, s12, x1, y2, n4, n);
        Store(g, k, r0, c0, 1, 3, s13, x1, y3, n4, n);
        Store(g, k, r0, c0, 2, 0, s20, x2, y0, n4, n);
        Store(g, k, r0, c0, 2, 1, s21, x2, y1, n4, n);
        Store(g, k, r0, c0, 2, 2, s22, x2, y2, n4, n);
        Store(g, k, r0, c0, 2, 3, s23, x2, y3, n4, n);
        Store(g, k, r0, c0, 3, 0, s30, x3, y0, n4, n);
        Store(g, k, r0, c0, 3, 1, s31, x3, y1, n4, n);
        Store(g, k, r0, c0, 3, 2, s32, x3, y2, n4, n);
        Store(g, k, r0, c0, 3, 3, s33, x3, y3, n4, n);
    }

    // One pair's sum in the tiles' order.
    private static double GramPair(float* x, float* y, int n)
    {
        int n4 = n & ~3;
        Vector256<double> s = default;
        for (int j = 0; j < n4; j += 4)
        {
            s = Vector256.FusedMultiplyAdd(Widen(x + j), Widen(y + j), s);
        }

        return Finish(s, x, y, n4, n);
    }

    private static void Store(Span<double> g, int k, int r0, int c0, int dr, int dc, Vector256<double> s, float* x, float* y, int n4, int n)
    {
        int r = r0 + dr, c = c0 + dc;
        if (c > r)
        {
            return;
        }

        double sum = Finish(s, x, y, n4, n);
        g[(r * k) + c] = sum;
        g[(c * k) + r] = sum;
    }

    // ((l0 + l1) + (l2 + l3)), then the tail columns in order.
    private static double Finish(Vector256<double> s, float* x, float* y, int n4, int n)
    {
        double sum = (s.GetElement(0) + s.GetElement(1)) + (s.GetElement(2) + s.GetElement(3));
        for (int j = n4; j < n; j++)
        {
            sum = Math.FusedMultiplyAdd(x[j], y[j], sum);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Widen(float* p) => Vector256.WidenLower(Vector128.Load(p).ToVector256Unsafe());
}
