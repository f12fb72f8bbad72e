namespace FastNmf.Kernels.Lanes;

/// <summary>Three vectors per pass.</summary>
internal readonly struct Vectors3 : IVectorCount
{
    public static int N => 3;
}
