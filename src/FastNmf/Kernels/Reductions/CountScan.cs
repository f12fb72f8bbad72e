using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastNmf.Kernels.Reductions;

/// <summary>
/// The statistics pass over uint16 frames, sixteen pixels at a time: per-pixel maxima and the count of nonzeros, and
/// per-pixel sums in 32-bit lanes, and per-pixel counts of nonzeros (for the sparse copies' segment sizes). Integers
/// throughout, so the vector paths and their scalar twins (<see cref="MaxAndNonZerosScalar"/>, <see cref="AddScalar"/>,
/// <see cref="AddNonZerosScalar"/>) give the same numbers.
/// </summary>
internal static unsafe class CountScan
{
    /// <summary>Raises <paramref name="max"/>[u] to <paramref name="frame"/>[u] where that is larger; returns how many
    /// of the <paramref name="n"/> values are nonzero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long MaxAndNonZeros(ushort* frame, int n, ushort* max)
    {
        int u = 0;
        long zeros = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; u + 16 <= n; u += 16)
            {
                Vector256<ushort> v = Vector256.Load(frame + u);
                Vector256.Max(Vector256.Load(max + u), v).Store(max + u);
                zeros += BitOperations.PopCount(Vector256.Equals(v, Vector256<ushort>.Zero).ExtractMostSignificantBits());
            }
        }

        for (; u < n; u++)
        {
            ushort v = frame[u];
            zeros += v == 0 ? 1 : 0;
            max[u] = Math.Max(max[u], v);
        }

        return n - zeros;
    }

    /// <summary>The scalar twin of <see cref="MaxAndNonZeros"/>.</summary>
    public static long MaxAndNonZerosScalar(ushort* frame, int n, ushort* max)
    {
        long nonZeros = 0;
        for (int u = 0; u < n; u++)
        {
            ushort v = frame[u];
            if (v != 0)
            {
                nonZeros++;
                max[u] = Math.Max(max[u], v);
            }
        }

        return nonZeros;
    }

    /// <summary>Adds <paramref name="frame"/> into <paramref name="sums"/>, pixel by pixel. A sum of at most 65 536
    /// frames cannot overflow (65 535 · 65 536 &lt; 2³²): callers flush their sums that often.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ushort* frame, int n, uint* sums)
    {
        int u = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; u + 16 <= n; u += 16)
            {
                (Vector256<uint> lo, Vector256<uint> hi) = Vector256.Widen(Vector256.Load(frame + u));
                (Vector256.Load(sums + u) + lo).Store(sums + u);
                (Vector256.Load(sums + u + 8) + hi).Store(sums + u + 8);
            }
        }

        for (; u < n; u++)
        {
            sums[u] += frame[u];
        }
    }

    /// <summary>The scalar twin of <see cref="Add"/>.</summary>
    public static void AddScalar(ushort* frame, int n, uint* sums)
    {
        for (int u = 0; u < n; u++)
        {
            sums[u] += frame[u];
        }
    }

    /// <summary><c>counts[u] += (frame[u] ≠ 0)</c> for <paramref name="n"/> values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddNonZeros(ushort* frame, int n, uint* counts)
    {
        int u = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; u + 16 <= n; u += 16)
            {
                // A zero's lane compares all ones, −1 once sign-extended: counts + 1 − (1 or 0).
                (Vector256<int> lo, Vector256<int> hi) = Vector256.Widen(Vector256.Equals(Vector256.Load(frame + u), Vector256<ushort>.Zero).AsInt16());
                (Vector256.Load(counts + u) + Vector256<uint>.One + lo.AsUInt32()).Store(counts + u);
                (Vector256.Load(counts + u + 8) + Vector256<uint>.One + hi.AsUInt32()).Store(counts + u + 8);
            }
        }

        for (; u < n; u++)
        {
            counts[u] += frame[u] == 0 ? 0u : 1u;
        }
    }

    /// <summary>The scalar twin of <see cref="AddNonZeros"/>.</summary>
    public static void AddNonZerosScalar(ushort* frame, int n, uint* counts)
    {
        for (int u = 0; u < n; u++)
        {
            counts[u] += frame[u] == 0 ? 0u : 1u;
        }
    }
}
