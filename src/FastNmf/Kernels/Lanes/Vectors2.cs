namespace FastNmf.Kernels.Lanes;

/// <summary>Two vectors per pass.</summary>
internal readonly struct Vectors2 : IVectorCount
{
    public static int N => 2;
}
