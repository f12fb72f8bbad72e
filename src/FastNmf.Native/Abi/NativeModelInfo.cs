using System.Runtime.InteropServices;

namespace FastNmf.Native.Abi;

/// <summary><c>fastnmf_model_info</c>: what a model projects (56 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeModelInfo
{
    public uint StructSize;
    public int Components;
    public int DetRows;
    public int DetCols;
    public int KeptPixels;
    public int MapConstraint;
    public int KernelSize;
    public int Reserved;
    public double CentreRow;
    public double CentreCol;
    public double Ridge;
}
