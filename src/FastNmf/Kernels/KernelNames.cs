using FastNmf.Kernels.Lanes;

namespace FastNmf.Kernels;

/// <summary>
/// The one name of every lane kernel: the same string is its id in <c>FASTNMF_KERNELS</c>, in
/// <see cref="KernelSet.Describe"/>, in an operand's description, in test case names and in benchmark rows.
/// </summary>
internal static class KernelNames
{
    /// <summary>The dense products (float32 or uint16 X) at <paramref name="width"/>, e.g. <c>DenseLanesVector512</c>.</summary>
    public static string DenseLanes(LaneWidth width) => $"DenseLanes{width}";

    /// <summary>The sparse products at <paramref name="width"/>, e.g. <c>SparseLanesVector256</c>.</summary>
    public static string SparseLanes(LaneWidth width) => $"SparseLanes{width}";
}
