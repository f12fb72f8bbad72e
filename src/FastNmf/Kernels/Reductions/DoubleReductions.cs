using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastNmf.Kernels.Reductions;

/// <summary>
/// Sums of products and of absolute differences of float vectors, accumulated in double (Gram matrices feed the k×k
/// solves and the MSE identity, where float sums over 16 384 terms would cost digits). Vectorised by widening 8 floats
/// to two Vector256&lt;double&gt; and fusing in double; the DotScalar overloads and <see cref="L1DistanceScalar"/> are
/// the plain references. The vector and scalar versions sum in different orders, so they agree to double rounding, not
/// bit for bit; each is deterministic.
/// </summary>
internal static class DoubleReductions
{
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("vectors of different lengths.");
        }

        if (!Vector256.IsHardwareAccelerated || a.Length < 16)
        {
            return DotScalar(a, b);
        }

        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero;
        int i = 0;
        for (; i + 8 <= a.Length; i += 8)
        {
            (Vector256<double> alo, Vector256<double> ahi) = Vector256.Widen(Vector256.LoadUnsafe(ref ra, (nuint)i));
            (Vector256<double> blo, Vector256<double> bhi) = Vector256.Widen(Vector256.LoadUnsafe(ref rb, (nuint)i));
            s0 = Vector256.FusedMultiplyAdd(alo, blo, s0);
            s1 = Vector256.FusedMultiplyAdd(ahi, bhi, s1);
        }

        double sum = Vector256.Sum(s0 + s1);
        for (; i < a.Length; i++)
        {
            sum += (double)Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        }

        return sum;
    }

    /// <summary>Σ a_i·x_i of a float row and a double vector, in double (a float matrix's row times a double Lanczos
    /// vector: half the bytes of a double row; each float entry is exact in double, each product one double rounding).</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<double> x)
    {
        if (a.Length != x.Length)
        {
            throw new ArgumentException("vectors of different lengths.");
        }

        if (!Vector256.IsHardwareAccelerated || a.Length < 16)
        {
            return DotScalar(a, x);
        }

        ref float ra = ref MemoryMarshal.GetReference(a);
        ref double rx = ref MemoryMarshal.GetReference(x);
        Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero;
        Vector256<double> s2 = Vector256<double>.Zero, s3 = Vector256<double>.Zero;
        int i = 0;
        for (; i + 16 <= a.Length; i += 16)
        {
            (Vector256<double> a0, Vector256<double> a1) = Vector256.Widen(Vector256.LoadUnsafe(ref ra, (nuint)i));
            (Vector256<double> a2, Vector256<double> a3) = Vector256.Widen(Vector256.LoadUnsafe(ref ra, (nuint)(i + 8)));
            s0 = Vector256.FusedMultiplyAdd(a0, Vector256.LoadUnsafe(ref rx, (nuint)i), s0);
            s1 = Vector256.FusedMultiplyAdd(a1, Vector256.LoadUnsafe(ref rx, (nuint)(i + 4)), s1);
            s2 = Vector256.FusedMultiplyAdd(a2, Vector256.LoadUnsafe(ref rx, (nuint)(i + 8)), s2);
            s3 = Vector256.FusedMultiplyAdd(a3, Vector256.LoadUnsafe(ref rx, (nuint)(i + 12)), s3);
        }

        double sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        for (; i < a.Length; i++)
        {
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rx, i);
        }

        return sum;
    }

    public static double L1Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("vectors of different lengths.");
        }

        if (!Vector256.IsHardwareAccelerated || a.Length < 16)
        {
            return L1DistanceScalar(a, b);
        }

        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        Vector256<double> s0 = Vector256<double>.Zero, s1 = Vector256<double>.Zero;
        int i = 0;
        for (; i + 8 <= a.Length; i += 8)
        {
            // The difference is taken in float, as the scalar reference does, then widened.
            Vector256<float> d = Vector256.Abs(Vector256.LoadUnsafe(ref ra, (nuint)i) - Vector256.LoadUnsafe(ref rb, (nuint)i));
            (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(d);
            s0 += lo;
            s1 += hi;
        }

        double sum = Vector256.Sum(s0 + s1);
        for (; i < a.Length; i++)
        {
            sum += Math.Abs(Unsafe.Add(ref ra, i) - Unsafe.Add(ref rb, i));
        }

        return sum;
    }

    public static double DotScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    public static double DotScalar(ReadOnlySpan<float> a, ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * x[i];
        }

        return sum;
    }

    public static double L1DistanceScalar(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return sum;
    }
}
