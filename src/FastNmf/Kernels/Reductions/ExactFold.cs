using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastNmf.Kernels.Reductions;

/// <summary>
/// Order-free sums: every partial sum is rounded onto a power-of-two grid fixed in advance, so adding the rounded
/// values is exact in double whatever the order or grouping — a block of frames, a thread's share, a rank's slab and
/// an MPI reduction tree all give the same bits. This is what makes a factorization split over scan rows bit-identical
/// to the single-process run.
/// </summary>
/// <remarks>
/// <para>The grid of a sum whose terms' magnitudes add up to at most <c>bound</c> is <c>q = 2^(E − 50)</c> with
/// <c>2^E ≥ bound</c> (<see cref="Grid"/>). A partial value v (|v| ≤ 2^E) is rounded to the nearest multiple of q by
/// <c>(v + C) − C</c> with <c>C = 1.5 · 2^52 · q</c> (<see cref="Magic"/>): for |v| &lt; 2^51·q the sum lands in the
/// binade where one ulp is q, so the first addition rounds v and the subtraction is exact. Every rounded value is then
/// a multiple of q and all of them together stay below 2^53·q, so any sum of them is exact in double.</para>
/// <para>Precision: each partial loses at most q/2, i.e. 2^−51 of the bound. One fold (<see cref="AddRows"/>) serves the
/// n_uv × K product H·X, whose partials are float32 sums over a block of frames anyway; <see cref="Add2"/> keeps the
/// residual on a second, finer grid for the small sums that feed the k×k solves and the MSE (≈ 2^−100 of the bound).</para>
/// <para>The vector and scalar paths compute the same bits (each element is rounded and added on its own, no
/// reassociation, no fused multiply-add), so <see cref="AddRowsScalar"/> is an exact twin.</para>
/// </remarks>
internal static unsafe class ExactFold
{
    /// <summary>Bits between a sum's bound and its grid: 2^E ≥ bound folds onto multiples of 2^(E − 50).</summary>
    public const int Headroom = 50;

    // Exponents are clamped so that grids and magic constants stay normal doubles (and their products exact).
    private const int MinExponent = -900;
    private const int MaxExponent = 900;

    /// <summary><c>1.5 · 2^52</c>: the magic constant of the unit grid.</summary>
    public const double UnitMagic = 6755399441055744.0;

    /// <summary>The smallest power of two ≥ <paramref name="bound"/> (clamped to 2^±900; NaN for NaN or infinity, so a
    /// broken iteration stays visible in its sums).</summary>
    public static double PowerAbove(double bound)
    {
        if (!double.IsFinite(bound))
        {
            return double.NaN;
        }

        if (bound <= 0)
        {
            return Math.ScaleB(1.0, MinExponent);
        }

        int e = Math.ILogB(bound);
        if (Math.ScaleB(1.0, e) < bound)
        {
            e++;
        }

        return Math.ScaleB(1.0, Math.Clamp(e, MinExponent, MaxExponent));
    }

    /// <summary>The grid of a sum whose terms add up to at most <paramref name="bound"/> in magnitude.</summary>
    public static double Grid(double bound) => Math.ScaleB(PowerAbove(bound), -Headroom);

    /// <summary>The magic constant that rounds onto <paramref name="grid"/>.</summary>
    public static double Magic(double grid) => UnitMagic * grid;

    /// <summary>v rounded to the nearest multiple of the grid whose magic constant is <paramref name="magic"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Round(double v, double magic) => (v + magic) - magic;

    /// <summary>The grid of the second fold of <see cref="Add2"/> for up to <paramref name="terms"/> partials on
    /// <paramref name="grid"/>: their residuals (each ≤ grid/2) add up to at most terms·grid/2.</summary>
    public static double ResidualGrid(double grid, long terms) => Grid(Math.Max(1, terms) * grid * 0.5);

    /// <summary>Two-fold exact accumulation of <paramref name="v"/>: its rounding onto the first grid into
    /// <paramref name="hi"/>, the rounding of what is left onto the second into <paramref name="lo"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add2(double v, double magicHi, double magicLo, ref double hi, ref double lo)
    {
        double h = Round(v, magicHi);
        hi += h;
        lo += Round(v - h, magicLo);
    }

    /// <summary>
    /// <c>acc[r, c] += round(partial[r, c])</c> on the grid <c>rowGrid[r] · colMagic[c] / (1.5·2^52)</c>, for a
    /// <paramref name="rows"/> × <paramref name="cols"/> block: the partial sums of one block of frames folded into the
    /// exact accumulators. <paramref name="rowGrid"/> holds powers of two, <paramref name="colMagic"/> powers of two
    /// times <see cref="UnitMagic"/>, so every product is exact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddRows(float* partial, long partialStride, double* acc, long accStride, int rows, int cols, double* rowGrid, double* colMagic)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            AddRowsScalar(partial, partialStride, acc, accStride, rows, cols, rowGrid, colMagic);
            return;
        }

        for (int r = 0; r < rows; r++)
        {
            float* p = partial + (r * partialStride);
            double* a = acc + (r * accStride);
            double g = rowGrid[r];
            int c = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<double> gv = Vector512.Create(g);
                for (; c + 16 <= cols; c += 16)
                {
                    (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(Vector512.Load(p + c));
                    Vector512<double> m0 = Vector512.Load(colMagic + c) * gv;
                    Vector512<double> m1 = Vector512.Load(colMagic + c + 8) * gv;
                    Vector512.Store(Vector512.Load(a + c) + ((lo + m0) - m0), a + c);
                    Vector512.Store(Vector512.Load(a + c + 8) + ((hi + m1) - m1), a + c + 8);
                }
            }

            Vector256<double> gw = Vector256.Create(g);
            for (; c + 8 <= cols; c += 8)
            {
                (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(Vector256.Load(p + c));
                Vector256<double> m0 = Vector256.Load(colMagic + c) * gw;
                Vector256<double> m1 = Vector256.Load(colMagic + c + 4) * gw;
                Vector256.Store(Vector256.Load(a + c) + ((lo + m0) - m0), a + c);
                Vector256.Store(Vector256.Load(a + c + 4) + ((hi + m1) - m1), a + c + 4);
            }

            for (; c < cols; c++)
            {
                a[c] += Round(p[c], colMagic[c] * g);
            }
        }
    }

    /// <summary>The scalar twin of <see cref="AddRows"/> (identical bits).</summary>
    public static void AddRowsScalar(float* partial, long partialStride, double* acc, long accStride, int rows, int cols, double* rowGrid, double* colMagic)
    {
        for (int r = 0; r < rows; r++)
        {
            float* p = partial + (r * partialStride);
            double* a = acc + (r * accStride);
            double g = rowGrid[r];
            for (int c = 0; c < cols; c++)
            {
                a[c] += Round(p[c], colMagic[c] * g);
            }
        }
    }

    /// <summary><c>dst[i] = (float)src[i]</c> (round to nearest): the reduced accumulators back to float32 factors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToSingle(double* src, float* dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                Vector512.Store(Vector512.Narrow(Vector512.Load(src + i), Vector512.Load(src + i + 8)), dst + i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                Vector256.Store(Vector256.Narrow(Vector256.Load(src + i), Vector256.Load(src + i + 4)), dst + i);
            }
        }

        for (; i < n; i++)
        {
            dst[i] = (float)src[i];
        }
    }

    /// <summary>The scalar twin of <see cref="ToSingle"/> (identical bits).</summary>
    public static void ToSingleScalar(double* src, float* dst, int n)
    {
        for (int i = 0; i < n; i++)
        {
            dst[i] = (float)src[i];
        }
    }
}
