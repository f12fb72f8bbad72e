namespace FastNmf.Kernels.Lanes;

/// <summary>Five vectors per pass (40 lanes of 8: ten restarts of k = 4 on AVX2 in one pass).</summary>
internal readonly struct Vectors5 : IVectorCount
{
    public static int N => 5;
}
