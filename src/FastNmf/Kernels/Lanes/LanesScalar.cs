using System.Runtime.CompilerServices;

namespace FastNmf.Kernels.Lanes;

/// <summary>One lane: the scalar reference width, fused like the vector widths so it is their exact twin.</summary>
internal readonly struct LanesScalar : ILanes<float>
{
    public static int Count => 1;

    public static bool IsSupported => true;

    public static float Zero => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nuint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadWidened(ref ushort source, nuint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void FoldExact(float value, double* acc, double* magic, double grid) =>
        *acc += Reductions.ExactFold.Round(value, *magic * grid);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float value) => value;
}
