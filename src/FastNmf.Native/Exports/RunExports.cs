using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastNmf.Native.Abi;
using FastNmf.Native.Data;
using FastNmf.Native.Errors;
using FastNmf.Native.Handles;

namespace FastNmf.Native.Exports;

/// <summary>The factorization on a caller-owned float32 or uint16 buffer with explicit dimensions and strides.</summary>
internal static unsafe class RunExports
{
    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_run_f32", CallConvs = [typeof(CallConvCdecl)])]
    public static int RunFloat32(nint factorizer, float* data, nuint length, NativeLayout* layout) =>
        Run(factorizer, data, length, layout, "fastnmf_factorizer_run_f32");

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_run_u16", CallConvs = [typeof(CallConvCdecl)])]
    public static int RunUInt16(nint factorizer, ushort* data, nuint length, NativeLayout* layout) =>
        Run(factorizer, data, length, layout, "fastnmf_factorizer_run_u16");

    private static int Run<T>(nint factorizer, T* data, nuint length, NativeLayout* layout, string function) where T : unmanaged, INumberBase<T>
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            lease.Session.ClearResult();
            CallerLayout checkedLayout = CallerLayout.Check(layout, data, length, sizeof(T));
            using var source = new CallerFrameSource<T>(data, checkedLayout);
            lease.Session.Run(source);
            // A progress callback may have made failing calls on this thread: the run itself succeeded.
            LastError.Clear();
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, function);
        }
    }
}
