using System.Runtime.InteropServices;

namespace FastNmf.Native.Abi;

/// <summary><c>fastnmf_params</c>: every field naturally aligned, no padding (88 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeParams
{
    public uint StructSize;
    public int Method;
    public int Components;
    public int Iterations;
    public int Restarts;
    public int Threads;
    public ulong Seed;
    public int DiffractionConstraint;
    public int MapConstraint;
    public int Backend;
    public int Storage;
    public double Tolerance;
    public double PolarCentreRow;
    public double PolarCentreCol;
    public int PhiSamples;
    public int BatchRestarts;
    public double OutlierFactor;

    /// <summary>The paper's protocol, with no component count (the caller must choose k).</summary>
    public static unsafe NativeParams Defaults => new()
    {
        StructSize = (uint)sizeof(NativeParams),
        Method = (int)NmfMethod.Constrained,
        Iterations = 500,
        Restarts = 10,
        DiffractionConstraint = (int)FastNmf.DiffractionConstraint.DarkSpotFill,
        MapConstraint = (int)FastNmf.MapConstraint.Convolution,
        PolarCentreRow = -1,
        PolarCentreCol = -1,
        PhiSamples = 360,
        BatchRestarts = 1,
        OutlierFactor = 2.0,
    };
}
