using System.Runtime.Intrinsics.X86;

namespace FastNmf.Kernels.Lanes;

/// <summary>Which lane widths this processor runs (honouring DOTNET_Enable* settings), widest first.</summary>
internal static class LaneWidths
{
    private static readonly LaneWidth[] s_preference = [LaneWidth.Vector512, LaneWidth.Vector256, LaneWidth.Scalar];

    /// <summary>Every width this machine accelerates, widest first; Scalar always.</summary>
    public static IReadOnlyList<LaneWidth> Available => s_preference.Where(IsAccelerated).ToArray();

    /// <summary>The widest accelerated width.</summary>
    public static LaneWidth Widest => s_preference.First(IsAccelerated);

    /// <summary>Floats per vector of <paramref name="width"/> (1 for scalar).</summary>
    public static int Count(LaneWidth width) => width switch
    {
        LaneWidth.Vector512 => Lanes512.Count,
        LaneWidth.Vector256 => Lanes256.Count,
        _ => LanesScalar.Count,
    };

    public static bool IsAccelerated(LaneWidth width) => width switch
    {
        LaneWidth.Vector512 => Lanes512.IsSupported,
        LaneWidth.Vector256 => Lanes256.IsSupported && Fma.IsSupported,
        _ => true,
    };
}
