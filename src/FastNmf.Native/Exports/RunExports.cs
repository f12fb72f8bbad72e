using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastNmf.Data;
using FastNmf.IO;
using FastNmf.Native.Abi;
using FastNmf.Native.Data;
using FastNmf.Native.Errors;
using FastNmf.Native.Handles;

namespace FastNmf.Native.Exports;

/// <summary>
/// The factorization on a caller-owned float32 or uint16 buffer with explicit dimensions and strides: the whole scan
/// (each rank of a communicator reads only its slab of it), or, on a rank, only its slab.
/// </summary>
internal static unsafe class RunExports
{
    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_run_f32", CallConvs = [typeof(CallConvCdecl)])]
    public static int RunFloat32(nint factorizer, float* data, nuint length, NativeLayout* layout) =>
        Run(factorizer, data, length, layout, null, "fastnmf_factorizer_run_f32");

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_run_u16", CallConvs = [typeof(CallConvCdecl)])]
    public static int RunUInt16(nint factorizer, ushort* data, nuint length, NativeLayout* layout) =>
        Run(factorizer, data, length, layout, null, "fastnmf_factorizer_run_u16");

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_run_slab_f32", CallConvs = [typeof(CallConvCdecl)])]
    public static int RunSlabFloat32(nint factorizer, float* data, nuint length, NativeLayout* layout, int firstScanRow, int totalScanRows) =>
        Run(factorizer, data, length, layout, (firstScanRow, totalScanRows), "fastnmf_factorizer_run_slab_f32");

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_run_slab_u16", CallConvs = [typeof(CallConvCdecl)])]
    public static int RunSlabUInt16(nint factorizer, ushort* data, nuint length, NativeLayout* layout, int firstScanRow, int totalScanRows) =>
        Run(factorizer, data, length, layout, (firstScanRow, totalScanRows), "fastnmf_factorizer_run_slab_u16");

    private static int Run<T>(nint factorizer, T* data, nuint length, NativeLayout* layout, (int First, int Total)? slab, string function)
        where T : unmanaged, INumberBase<T>
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            Session session = lease.Session;
            session.Run(() => Open(session, data, length, layout, slab));
            // A progress callback may have made failing calls on this thread: the run itself succeeded.
            LastError.Clear();
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, function);
        }
    }

    // The frames this process factorizes and where they sit in the scan (checked first; with a communicator, a problem
    // here is agreed on by every rank in Session.Run).
    private static (FrameSource, ScanSlab) Open<T>(Session session, T* data, nuint length, NativeLayout* layout, (int First, int Total)? slab)
        where T : unmanaged, INumberBase<T>
    {
        CallerLayout l = CallerLayout.Check(layout, data, length, sizeof(T));
        if (slab is not (int first, int total))
        {
            ScanSlab mine = session.SlabOfWholeScan(l.ScanRows, l.ScanCols);
            T* origin = data + ((long)mine.FirstRow * l.StrideScanRow);
            return (new CallerFrameSource<T>(origin, l with { ScanRows = mine.Rows }, mine.FirstRow), mine);
        }

        if (total < 1 || first < 0 || first + (long)l.ScanRows > total)
        {
            throw new CApiException(Status.InvalidArgument,
                $"first_scan_row = {first}, layout->scan_rows = {l.ScanRows}, total_scan_rows = {total}: the slab must lie inside the scan.");
        }

        if (session.Communicator is null && (first != 0 || l.ScanRows != total))
        {
            throw new CApiException(Status.InvalidArgument,
                $"a slab of scan rows [{first}, {first + l.ScanRows}) of {total} needs the other ranks: set a communicator (fastnmf_factorizer_set_communicator) first, or pass the whole scan.");
        }

        return (new CallerFrameSource<T>(data, l, first), new ScanSlab(total, l.ScanCols, first, l.ScanRows));
    }
}
