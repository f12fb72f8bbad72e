namespace FastNmf.Kernels.Lanes;

/// <summary>One vector per pass.</summary>
internal readonly struct Vectors1 : IVectorCount
{
    public static int N => 1;
}
