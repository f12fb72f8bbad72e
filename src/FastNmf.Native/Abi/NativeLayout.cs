using System.Runtime.InteropServices;

namespace FastNmf.Native.Abi;

/// <summary><c>fastnmf_layout</c>: shape and element strides of a caller-owned 4-D data set (56 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeLayout
{
    public uint StructSize;
    public int ScanRows;
    public int ScanCols;
    public int DetRows;
    public int DetCols;
    public int Reserved;
    public long StrideScanRow;
    public long StrideScanCol;
    public long StrideDetRow;
    public long StrideDetCol;
}
