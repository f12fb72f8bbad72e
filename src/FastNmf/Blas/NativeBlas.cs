using System.Runtime.InteropServices;
using System.Text;

namespace FastNmf.Blas;

/// <summary>
/// A CBLAS library loaded at run time (never linked), bound by function pointer so OpenBLAS and MKL share one code path.
/// Loading is attempted once per process and kind; every attempt is recorded in <see cref="Trace"/>, which an explicit
/// request for an unavailable backend reports. MKL is set up before its first call: LP64 interface and the GNU OpenMP
/// threading layer with libgomp loaded RTLD_GLOBAL (its default Intel layer needs libiomp5, which Debian's libmkl-rt
/// does not bring), or the sequential layer when libgomp cannot be loaded.
/// </summary>
internal sealed unsafe class NativeBlas
{
    private const int CblasRowMajor = 101;
    private const int CblasNoTrans = 111;
    private const int CblasTrans = 112;

    // mkl_service.h: MKL_THREADING_INTEL = 0, MKL_THREADING_SEQUENTIAL = 1, MKL_THREADING_PGI = 2, MKL_THREADING_GNU = 3;
    // MKL_INTERFACE_LP64 = 0. Checked at load: the sequential layer must report one thread.
    private const int MklThreadingSequential = 1;
    private const int MklThreadingGnu = 3;
    private const int MklInterfaceLp64 = 0;

    private static readonly Lazy<(NativeBlas? Blas, string Trace)> s_openBlas = new(() => Load(KernelBackend.OpenBlas, OpenBlasCandidates()));
    private static readonly Lazy<(NativeBlas? Blas, string Trace)> s_mkl = new(() => Load(KernelBackend.Mkl, MklCandidates()));

    private readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;
    private readonly delegate* unmanaged[Cdecl]<int, void> _setThreads;
    private readonly object _threadGate = new();
    private int _threads = -1;

    private NativeBlas(KernelBackend kind, string path, string version, nint handle, nint sgemm, nint setThreads, string trace)
    {
        Kind = kind;
        Handle = handle;
        Path = path;
        Version = version;
        _sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
        _setThreads = (delegate* unmanaged[Cdecl]<int, void>)setThreads;
        Trace = trace;
    }

    /// <summary>Set to 1 to make every native BLAS unavailable (CI uses it to run the suite as on a machine without them).</summary>
    public const string DisableVariable = "FASTNMF_NO_NATIVE_BLAS";

    public KernelBackend Kind { get; }

    /// <summary>The loaded library (for its other exports, e.g. MKL's DFTI).</summary>
    public nint Handle { get; }

    public string Path { get; }

    public string Version { get; }

    public string Trace { get; }

    /// <summary>The library of <paramref name="kind"/> if it can be loaded; otherwise null and why, in <paramref name="trace"/>.</summary>
    public static NativeBlas? TryGet(KernelBackend kind, out string trace)
    {
        if (Environment.GetEnvironmentVariable(DisableVariable) == "1")
        {
            trace = $"disabled by {DisableVariable}=1";
            return null;
        }

        (NativeBlas? blas, string t) = kind switch
        {
            KernelBackend.OpenBlas => s_openBlas.Value,
            KernelBackend.Mkl => s_mkl.Value,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a native BLAS backend."),
        };
        trace = t;
        return blas;
    }

    /// <summary>Sets the library's thread count (it threads each call itself; FastNmf's workers stay idle meanwhile).</summary>
    public void SetThreads(int threads)
    {
        lock (_threadGate)
        {
            if (threads != _threads && _setThreads != null)
            {
                _setThreads(threads);
                _threads = threads;
            }
        }
    }

    /// <summary>Row-major <c>C = α·op(A)·op(B) + β·C</c>, C m × n, inner dimension k.</summary>
    public void Sgemm(bool transB, int m, int n, int k, float alpha, float* a, long lda, float* b, long ldb, float beta, float* c, long ldc)
    {
        if (m <= 0 || n <= 0)
        {
            return;
        }

        _sgemm(CblasRowMajor, CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, checked((int)lda), b, checked((int)ldb), beta, c, checked((int)ldc));
    }

    /// <summary>Loads the first candidate that works (exposed for tests, which pass missing names to prove a clean refusal).</summary>
    internal static (NativeBlas? Blas, string Trace) Load(KernelBackend kind, IEnumerable<string> candidates)
    {
        var trace = new StringBuilder();
        foreach (string candidate in candidates)
        {
            if (!NativeLibrary.TryLoad(candidate, out nint handle))
            {
                trace.Append($"{candidate}: not found; ");
                continue;
            }

            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out nint sgemm))
            {
                trace.Append($"{candidate}: no cblas_sgemm; ");
                continue;
            }

            try
            {
                NativeBlas blas = kind == KernelBackend.Mkl ? SetUpMkl(candidate, handle, sgemm, trace) : SetUpOpenBlas(candidate, handle, sgemm, trace);
                blas.SelfTest();
                return (blas, blas.Trace);
            }
            catch (Exception e) when (e is InvalidOperationException or EntryPointNotFoundException)
            {
                trace.Append($"{candidate}: {e.Message}; ");
            }
        }

        return (null, trace.Length == 0 ? "no candidate library" : trace.ToString().TrimEnd(' ', ';'));
    }

    private static NativeBlas SetUpOpenBlas(string path, nint handle, nint sgemm, StringBuilder trace)
    {
        nint setThreads = NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out nint s) ? s : 0;
        string version = "OpenBLAS";
        if (NativeLibrary.TryGetExport(handle, "openblas_get_config", out nint config))
        {
            string text = (Marshal.PtrToStringUTF8(((delegate* unmanaged[Cdecl]<nint>)config)()) ?? string.Empty).Trim();
            version = text.StartsWith("OpenBLAS", StringComparison.Ordinal) ? text : $"OpenBLAS {text}";
        }

        trace.Append($"{path}: loaded ({version})");
        return new NativeBlas(KernelBackend.OpenBlas, path, version, handle, sgemm, setThreads, trace.ToString());
    }

    private static NativeBlas SetUpMkl(string path, nint handle, nint sgemm, StringBuilder trace)
    {
        var setLayer = (delegate* unmanaged[Cdecl]<int, int>)Export(handle, "MKL_Set_Threading_Layer");
        var setInterface = (delegate* unmanaged[Cdecl]<int, int>)Export(handle, "MKL_Set_Interface_Layer");
        var maxThreads = (delegate* unmanaged[Cdecl]<int>)Export(handle, "MKL_Get_Max_Threads");
        nint setThreads = Export(handle, "MKL_Set_Num_Threads");
        setInterface(MklInterfaceLp64);
        string layer;
        if (LibC.DlOpen("libgomp.so.1", LibC.RtldNow | LibC.RtldGlobal) != 0)
        {
            setLayer(MklThreadingGnu);
            layer = "GNU OpenMP threading (libgomp loaded globally)";
        }
        else
        {
            setLayer(MklThreadingSequential);
            if (maxThreads() != 1)
            {
                throw new InvalidOperationException("MKL's sequential threading layer did not take effect");
            }

            layer = "sequential threading (libgomp not found)";
        }

        var buffer = new byte[256];
        fixed (byte* p = buffer)
        {
            ((delegate* unmanaged[Cdecl]<byte*, int, void>)Export(handle, "MKL_Get_Version_String"))(p, buffer.Length);
        }

        string version = Encoding.ASCII.GetString(buffer).TrimEnd('\0', ' ') + ", " + layer;
        trace.Append($"{path}: loaded ({version})");
        return new NativeBlas(KernelBackend.Mkl, path, version, handle, sgemm, setThreads, trace.ToString());
    }

    private static nint Export(nint handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out nint p) ? p : throw new EntryPointNotFoundException($"missing {name}");

    // A 2×2 product with a known answer: a library that loads but computes nonsense (wrong ABI) is refused here.
    private void SelfTest()
    {
        float* a = stackalloc float[] { 1, 2, 3, 4 };
        float* b = stackalloc float[] { 5, 6, 7, 8 };
        float* c = stackalloc float[] { 0, 0, 0, 0 };
        Sgemm(transB: false, 2, 2, 2, 1f, a, 2, b, 2, 0f, c, 2);
        if (c[0] != 19 || c[1] != 22 || c[2] != 43 || c[3] != 50)
        {
            throw new InvalidOperationException("cblas_sgemm self-test failed");
        }
    }

    private static IEnumerable<string> OpenBlasCandidates()
    {
        if (Environment.GetEnvironmentVariable("FASTNMF_OPENBLAS_PATH") is { Length: > 0 } custom)
        {
            yield return custom;
        }

        yield return "libopenblas.so.0";
        yield return "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0";
        yield return "libopenblas.so";
    }

    private static IEnumerable<string> MklCandidates()
    {
        if (Environment.GetEnvironmentVariable("FASTNMF_MKL_PATH") is { Length: > 0 } custom)
        {
            yield return custom;
        }

        yield return "libmkl_rt.so";
        yield return "libmkl_rt.so.2";
        yield return "libmkl_rt.so.1";
        yield return "/opt/intel/oneapi/mkl/latest/lib/intel64/libmkl_rt.so";
    }
}
