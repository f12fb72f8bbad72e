using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using FastNmf.Native.Abi;
using FastNmf.Native.Data;
using FastNmf.Native.Errors;

namespace FastNmf.Native.Exports;

/// <summary>Library-wide entry points: ABI version, last error, status names, backend description.</summary>
internal static unsafe class LibraryExports
{
    [UnmanagedCallersOnly(EntryPoint = "fastnmf_get_abi_version", CallConvs = [typeof(CallConvCdecl)])]
    public static uint GetAbiVersion() => LibraryInfo.AbiVersion;

    // Reads a [ThreadStatic] and a static array: nothing here can throw.
    [UnmanagedCallersOnly(EntryPoint = "fastnmf_last_error", CallConvs = [typeof(CallConvCdecl)])]
    public static byte* GetLastError() => LastError.Pointer;

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_status_name", CallConvs = [typeof(CallConvCdecl)])]
    public static byte* GetStatusName(int status) => StatusNames.Get(status);

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_describe_backend", CallConvs = [typeof(CallConvCdecl)])]
    public static int DescribeBackend(byte* output, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            string text = Factorizer.DescribeBackend();
            byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
            Encoding.UTF8.GetBytes(text, bytes);
            OutputBuffer.Copy<byte>(bytes, output, capacity, required, "out (bytes including the NUL)");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_describe_backend");
        }
    }
}
