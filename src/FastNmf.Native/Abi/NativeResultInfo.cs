using System.Runtime.InteropServices;

namespace FastNmf.Native.Abi;

/// <summary><c>fastnmf_result_info</c>: summary of the last successful run (72 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeResultInfo
{
    public uint StructSize;
    public int Components;
    public int ScanRows;
    public int ScanCols;
    public int DetRows;
    public int DetCols;
    public int Restarts;
    public int ChosenRestart;
    public int Iterations;
    public int FirstScanRow;
    public double Mse;
    public double ElapsedSeconds;
    public ulong WLength;
    public ulong HLength;
}
