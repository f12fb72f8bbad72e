namespace FastNmf.Kernels.Lanes;

/// <summary>How many vectors of lanes a kernel keeps in registers per pass (1–6), as a type so the JIT removes the unused
/// branches of a register-blocked body.</summary>
internal interface IVectorCount
{
    static abstract int N { get; }
}

/// <summary>One vector per pass.</summary>
internal readonly struct Vectors1 : IVectorCount
{
    public static int N => 1;
}

/// <summary>Two vectors per pass.</summary>
internal readonly struct Vectors2 : IVectorCount
{
    public static int N => 2;
}

/// <summary>Three vectors per pass.</summary>
internal readonly struct Vectors3 : IVectorCount
{
    public static int N => 3;
}

/// <summary>Four vectors per pass.</summary>
internal readonly struct Vectors4 : IVectorCount
{
    public static int N => 4;
}

/// <summary>Five vectors per pass (40 lanes of 8: ten restarts of k = 4 on AVX2 in one pass).</summary>
internal readonly struct Vectors5 : IVectorCount
{
    public static int N => 5;
}

/// <summary>Six vectors per pass: with even/odd accumulators, 12 of AVX2's 16 vector registers plus two broadcasts.</summary>
internal readonly struct Vectors6 : IVectorCount
{
    public static int N => 6;
}

/// <summary>Whether one pass of a register-blocked kernel covers a whole lane row, so the row length is the pass's
/// N × width, a constant the JIT folds into the address arithmetic.</summary>
internal interface IRowLength
{
    static abstract bool OnePass { get; }
}

/// <summary>The row is exactly one pass long.</summary>
internal readonly struct RowIsPass : IRowLength
{
    public static bool OnePass => true;
}

/// <summary>The row takes several passes; its length is the run-time <c>lanes</c>.</summary>
internal readonly struct RowIsWider : IRowLength
{
    public static bool OnePass => false;
}
