using System.Runtime.CompilerServices;
using FastNmf.Kernels.Lanes;

namespace FastNmf.Kernels.Dense;

/// <summary>How one stored value of X becomes float lanes: float32 as is, uint16 converted on load (the fused convert of
/// the uint16 storage). A type parameter, so each kernel body is compiled once per element type and width.</summary>
internal interface IXElement<T> where T : unmanaged
{
    static abstract TVec Load<TVec, TL>(ref T source, nuint offset)
        where TVec : struct
        where TL : struct, ILanes<TVec>;

    static abstract float ToSingle(T value);
}

/// <summary>float32 X.</summary>
internal readonly struct Float32Element : IXElement<float>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TVec, TL>(ref float source, nuint offset)
        where TVec : struct
        where TL : struct, ILanes<TVec> => TL.Load(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(float value) => value;
}

/// <summary>uint16 X (counted electrons): every value converts to float exactly.</summary>
internal readonly struct UInt16Element : IXElement<ushort>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Load<TVec, TL>(ref ushort source, nuint offset)
        where TVec : struct
        where TL : struct, ILanes<TVec> => TL.LoadWidened(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort value) => value;
}
