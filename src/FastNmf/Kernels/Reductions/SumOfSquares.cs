using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastNmf.Kernels.Reductions;

/// <summary>
/// ‖x‖² of a uint16 frame, exactly: each square fits 32 bits (65 535² &lt; 2³²), the sum is kept in 64-bit lanes, so
/// the vector path and <see cref="OfUInt16Scalar"/> give the same integer.
/// </summary>
internal static unsafe class SumOfSquares
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong OfUInt16(ushort* x, int n)
    {
        int i = 0;
        ulong total = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<ulong> acc = Vector256<ulong>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                (Vector256<uint> lo, Vector256<uint> hi) = Vector256.Widen(Vector256.Load(x + i));
                Vector256<uint> q0 = lo * lo, q1 = hi * hi;
                (Vector256<ulong> a, Vector256<ulong> b) = Vector256.Widen(q0);
                (Vector256<ulong> c, Vector256<ulong> d) = Vector256.Widen(q1);
                acc += (a + b) + (c + d);
            }

            total = Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            total += (ulong)x[i] * x[i];
        }

        return total;
    }

    /// <summary>The scalar twin of <see cref="OfUInt16"/> (the same integer).</summary>
    public static ulong OfUInt16Scalar(ushort* x, int n)
    {
        ulong total = 0;
        for (int i = 0; i < n; i++)
        {
            total += (ulong)x[i] * x[i];
        }

        return total;
    }
}
