using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastNmf.Kernels.Lanes;

/// <summary>8 lanes (AVX2 + FMA where <see cref="Vector256.IsHardwareAccelerated"/>).</summary>
internal readonly struct Lanes256 : ILanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadWidened(ref ushort source, nuint offset)
    {
        Vector128<ushort> raw = Vector128.LoadUnsafe(ref source, offset);
        if (Avx2.IsSupported)
        {
            // vpmovzxwd + vcvtdq2ps: the values are below 2^16, so the signed conversion is exact.
            return Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(raw));
        }

        return Vector256.ConvertToSingle(Vector256.Create(Vector128.WidenLower(raw), Vector128.WidenUpper(raw)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void FoldExact(Vector256<float> value, double* acc, double* magic, double grid)
    {
        (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(value);
        Vector256<double> g = Vector256.Create(grid);
        Vector256<double> m0 = Vector256.Load(magic) * g, m1 = Vector256.Load(magic + 4) * g;
        Vector256.Store(Vector256.Load(acc) + ((lo + m0) - m0), acc);
        Vector256.Store(Vector256.Load(acc + 4) + ((hi + m1) - m1), acc + 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value) => Vector256.Sum(value);
}
