namespace FastNmf.Kernels.Lanes;

/// <summary>How many vectors of lanes a kernel keeps in registers per pass (1–6), as a type so the JIT removes the unused
/// branches of a register-blocked body.</summary>
internal interface IVectorCount
{
    static abstract int N { get; }
}
