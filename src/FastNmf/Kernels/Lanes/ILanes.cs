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

    /// <summary>Loads <see cref="Count"/> uint16 values and converts them to float (exact: every uint16 is a float).
    /// This is the fused convert of the uint16 storage: half the bytes of float32 per pass over X.</summary>
    static abstract TVec LoadWidened(ref ushort source, nuint offset);

    /// <summary>The sum of the lanes (a fixed tree per width).</summary>
    static abstract float Sum(TVec value);

    /// <summary><c>acc[i] += round(value[i])</c> in double on the grid of magic constant <c>magic[i] · grid</c> — the
    /// exact fold (<see cref="Reductions.ExactFold"/>) of a block's partial sums, lane by lane: the same bits at every
    /// width.</summary>
    static abstract unsafe void FoldExact(TVec value, double* acc, double* magic, double grid);
}
