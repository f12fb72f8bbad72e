using System.Runtime.InteropServices;

namespace FastNmf.Native.Abi;

/// <summary><c>fastnmf_progress</c>: what the progress callback receives (40 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeProgress
{
    public uint StructSize;
    public int Restart;
    public int Iteration;
    public int Iterations;
    public double Mse;
    public double DeltaW;
    public double DeltaH;
}
