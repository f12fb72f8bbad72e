using System.Runtime.InteropServices;
using FastNmf.Native.Abi;

namespace FastNmf.Benchmarks.Interop;

/// <summary>The few libfastnmf.so exports <see cref="CApiOverheadBench"/> calls, bound by function pointer.</summary>
internal readonly unsafe struct NativeExports
{
    public NativeExports(nint library)
    {
        ParamsInit = (delegate* unmanaged<NativeParams*, uint, int>)NativeLibrary.GetExport(library, "fastnmf_params_init");
        LayoutInit = (delegate* unmanaged<NativeLayout*, uint, int, int, int, int, int>)NativeLibrary.GetExport(library, "fastnmf_layout_init");
        Create = (delegate* unmanaged<NativeParams*, nint*, int>)NativeLibrary.GetExport(library, "fastnmf_factorizer_create");
        Destroy = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(library, "fastnmf_factorizer_destroy");
        RunF32 = (delegate* unmanaged<nint, float*, nuint, NativeLayout*, int>)NativeLibrary.GetExport(library, "fastnmf_factorizer_run_f32");
        GetResultInfo = (delegate* unmanaged<nint, NativeResultInfo*, int>)NativeLibrary.GetExport(library, "fastnmf_factorizer_get_result_info");
        LastError = (delegate* unmanaged<byte*>)NativeLibrary.GetExport(library, "fastnmf_last_error");
    }

    public delegate* unmanaged<NativeParams*, uint, int> ParamsInit { get; }

    public delegate* unmanaged<NativeLayout*, uint, int, int, int, int, int> LayoutInit { get; }

    public delegate* unmanaged<NativeParams*, nint*, int> Create { get; }

    public delegate* unmanaged<nint, int> Destroy { get; }

    public delegate* unmanaged<nint, float*, nuint, NativeLayout*, int> RunF32 { get; }

    public delegate* unmanaged<nint, NativeResultInfo*, int> GetResultInfo { get; }

    public delegate* unmanaged<byte*> LastError { get; }
}
