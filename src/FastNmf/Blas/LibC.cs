using System.Runtime.InteropServices;

namespace FastNmf.Blas;

/// <summary>dlopen with flags: NativeLibrary.Load cannot load a library RTLD_GLOBAL, which MKL's GNU threading layer needs for libgomp.</summary>
internal static partial class LibC
{
    public const int RtldNow = 2;
    public const int RtldGlobal = 0x100;

    [LibraryImport("libc.so.6", EntryPoint = "dlopen", StringMarshalling = StringMarshalling.Utf8)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    public static partial nint DlOpen(string file, int flags);
}
