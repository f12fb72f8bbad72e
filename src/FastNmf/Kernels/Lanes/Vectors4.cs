namespace FastNmf.Kernels.Lanes;

/// <summary>Four vectors per pass.</summary>
internal readonly struct Vectors4 : IVectorCount
{
    public static int N => 4;
}
