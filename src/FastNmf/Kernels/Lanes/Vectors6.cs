namespace FastNmf.Kernels.Lanes;

/// <summary>Six vectors per pass: with even/odd accumulators, 12 of AVX2's 16 vector registers plus two broadcasts.</summary>
internal readonly struct Vectors6 : IVectorCount
{
    public static int N => 6;
}
