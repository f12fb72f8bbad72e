namespace FastNmf.Kernels.Lanes;

/// <summary>
/// One vector width, as a static-abstract struct so a kernel body is written once and the JIT specialises it per width
/// (the trick TensorPrimitives uses for its operators). Every width uses fused multiply-add, so a lane computes the
/// same bits whatever the width: the scalar width is an exact twin of the vector ones.
/// </summary>
internal interface ILanes<TVec> where TVec : struct
{
    static abstract int Count { get; }

    static abstract bool IsSupported { get; }

    static abstract TVec Zero { get; }

    static abstract TVec Load(ref float source, nuint offset);

    static abstract void Store(TVec value, ref float destination, nuint offset);

    static abstract TVec Broadcast(float value);

    /// <summary><c>a·b + c</c>, fused (one rounding).</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    static abstract TVec Add(TVec a, TVec b);
}
