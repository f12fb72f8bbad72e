using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastNmf.Kernels.Lanes;

/// <summary>16 lanes (AVX-512 where <see cref="Vector512.IsHardwareAccelerated"/>).</summary>
internal readonly struct Lanes512 : ILanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadWidened(ref ushort source, nuint offset)
    {
        Vector256<ushort> raw = Vector256.LoadUnsafe(ref source, offset);
        if (Avx512F.IsSupported)
        {
            // vpmovzxwd + vcvtdq2ps: the values are below 2^16, so the signed conversion is exact.
            return Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(raw));
        }

        return Vector512.ConvertToSingle(Vector512.Create(Vector256.WidenLower(raw), Vector256.WidenUpper(raw)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void FoldExact(Vector512<float> value, double* acc, double* magic, double grid)
    {
        (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(value);
        Vector512<double> g = Vector512.Create(grid);
        Vector512<double> m0 = Vector512.Load(magic) * g, m1 = Vector512.Load(magic + 8) * g;
        Vector512.Store(Vector512.Load(acc) + ((lo + m0) - m0), acc);
        Vector512.Store(Vector512.Load(acc + 8) + ((hi + m1) - m1), acc + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Vector512.Sum(value);
}
