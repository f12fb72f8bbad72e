namespace FastNmf.Kernels.Lanes;

/// <summary>How many vectors of lanes a kernel keeps in registers per pass (1–4), as a type so the JIT removes the unused
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
