using FastNmf.Native.Abi;
using FastNmf.Native.Errors;

namespace FastNmf.Native.Data;

/// <summary>
/// A caller's <c>fastnmf_layout</c> after every check that protects the read: dimensions ≥ 1 whose frame and frame
/// counts fit the library's <c>int</c> sizes, non-negative strides, the largest element index inside
/// <c>data_length</c>, and a pointer aligned for its element type. Strides may overlap (a broadcast stride of 0 only
/// reads the same element again: the data is never written).
/// </summary>
internal readonly record struct CallerLayout(int ScanRows, int ScanCols, int DetRows, int DetCols,
    long StrideScanRow, long StrideScanCol, long StrideDetRow, long StrideDetCol)
{
    /// <summary>Checks <paramref name="layout"/> against a buffer of <paramref name="length"/> elements of <paramref name="elementSize"/> bytes at <paramref name="data"/>.</summary>
    /// <exception cref="CApiException"><see cref="Status.NullPointer"/>, <see cref="Status.BadStructSize"/> or
    /// <see cref="Status.BadLayout"/> naming the field.</exception>
    public static unsafe CallerLayout Check(NativeLayout* layout, void* data, nuint length, int elementSize)
    {
        NativeLayout l = AbiStruct.Read(layout, "layout");
        CApiException.ThrowIfNull(data, "data");
        if ((nuint)data % (nuint)elementSize != 0)
        {
            throw Bad($"data (0x{(nuint)data:x}) is not aligned to its {elementSize}-byte elements.");
        }

        CheckDimension(l.ScanRows, "scan_rows");
        CheckDimension(l.ScanCols, "scan_cols");
        CheckDimension(l.DetRows, "det_rows");
        CheckDimension(l.DetCols, "det_cols");
        if ((long)l.ScanRows * l.ScanCols > int.MaxValue)
        {
            throw Bad($"{l.ScanRows}×{l.ScanCols} scan positions exceed {int.MaxValue}.");
        }

        if ((long)l.DetRows * l.DetCols > Array.MaxLength)
        {
            throw Bad($"a {l.DetRows}×{l.DetCols} frame exceeds {Array.MaxLength} pixels.");
        }

        UInt128 last = Reach(l.ScanRows, l.StrideScanRow, "stride_scan_row") + Reach(l.ScanCols, l.StrideScanCol, "stride_scan_col")
            + Reach(l.DetRows, l.StrideDetRow, "stride_det_row") + Reach(l.DetCols, l.StrideDetCol, "stride_det_col");
        if (last >= length)
        {
            throw Bad($"the layout reaches element {last} but data_length is {length} (a buffer too short for its dimensions and strides).");
        }

        return new CallerLayout(l.ScanRows, l.ScanCols, l.DetRows, l.DetCols, l.StrideScanRow, l.StrideScanCol, l.StrideDetRow, l.StrideDetCol);
    }

    private static void CheckDimension(int value, string field)
    {
        if (value < 1)
        {
            throw Bad($"layout->{field} = {value}; every dimension must be at least 1.");
        }
    }

    // (n − 1)·stride in 128 bits: no sum of four such terms can overflow it.
    private static UInt128 Reach(int count, long stride, string field) => stride < 0
        ? throw Bad($"layout->{field} = {stride}; strides must be non-negative (element counts, not bytes).")
        : (UInt128)(ulong)(count - 1) * (ulong)stride;

    private static CApiException Bad(string message) => new(Status.BadLayout, message);
}
