using System.Runtime.InteropServices;

namespace FastNmf.Blas;

/// <summary>
/// MKL's DFTI (discrete Fourier transforms) from the MKL that <see cref="NativeBlas"/> loaded, bound by function
/// pointer: real-to-complex (forward) and complex-to-real (backward) transforms in double precision, out of place, with
/// the half spectrum stored as n/2 + 1 complex values (CCE format). One descriptor serves one length and batch; it is
/// freed by <see cref="Dispose"/>. DftiCreateDescriptor_d_1d, DftiSetValue and DftiCompute* are variadic in C: they are
/// called with integer and pointer arguments only, through <see cref="VariadicEntry"/> trampolines that set AL = 0 as a
/// C caller would (without it, MKL 2020's prologue runs AVX-512 instructions and a processor without them faults).
/// </summary>
internal sealed unsafe class MklDfti : IDisposable
{
    // mkl_dfti.h
    private const int NumberOfTransforms = 7;
    private const int ConjugateEvenStorage = 10;
    private const int Placement = 11;
    private const int InputDistance = 14;
    private const int OutputDistance = 15;
    private const int ThreadLimit = 27;
    private const int Real = 33;
    private const int ComplexComplex = 39;
    private const int NotInPlace = 44;

    private readonly Api _api;
    private nint _descriptor;

    private MklDfti(Api api, nint descriptor, int length, int batch)
    {
        _api = api;
        _descriptor = descriptor;
        Length = length;
        Batch = batch;
    }

    /// <summary>The transform length n.</summary>
    public int Length { get; }

    /// <summary>Transforms per call: rows of n reals (forward input) or n/2 + 1 complex values (forward output).</summary>
    public int Batch { get; }

    /// <summary>Where MKL's DFTI comes from, or null with the reason when it cannot be used (no MKL, or disabled).</summary>
    public static string? Describe(out string why)
    {
        NativeBlas? mkl = NativeBlas.TryGet(KernelBackend.Mkl, out string trace);
        if (mkl is null || Api.Bind(mkl.Handle) is null)
        {
            why = mkl is null ? $"MKL not loaded ({trace})" : "the loaded MKL has no DFTI exports";
            return null;
        }

        why = string.Empty;
        return $"MKL DFTI ({mkl.Version})";
    }

    /// <summary>A committed double-precision real transform of <paramref name="length"/> points, <paramref name="batch"/>
    /// rows per call (single-threaded inside: callers parallelise), or null when MKL's DFTI is not available.</summary>
    /// <exception cref="InvalidOperationException">MKL refused the descriptor (its message is included).</exception>
    public static MklDfti? TryCreate(int length, int batch)
    {
        NativeBlas? mkl = NativeBlas.TryGet(KernelBackend.Mkl, out _);
        if (mkl is null || Api.Bind(mkl.Handle) is not { } api)
        {
            return null;
        }

        nint d = 0;
        Check(api, api.Create1D(&d, Real, length), "DftiCreateDescriptor");
        var dfti = new MklDfti(api, d, length, batch);
        try
        {
            long half = (length / 2) + 1;
            dfti.Set(Placement, NotInPlace);
            dfti.Set(ConjugateEvenStorage, ComplexComplex);
            dfti.Set(ThreadLimit, 1);
            if (batch > 1)
            {
                dfti.Set(NumberOfTransforms, batch);
                dfti.Set(InputDistance, length);
                dfti.Set(OutputDistance, half);
            }

            Check(api, api.Commit(d), "DftiCommitDescriptor");
            return dfti;
        }
        catch
        {
            dfti.Dispose();
            throw;
        }
    }

    /// <summary>Forward: <see cref="Batch"/> rows of n reals → n/2 + 1 complex values each (re, im interleaved).</summary>
    public void Forward(double* input, double* output) => Check(_api, _api.Forward(Live(), input, output), "DftiComputeForward");

    /// <summary>Backward (unscaled): n/2 + 1 complex values of a conjugate-even spectrum → n reals, per row.</summary>
    public void Backward(double* input, double* output) => Check(_api, _api.Backward(Live(), input, output), "DftiComputeBackward");

    public void Dispose()
    {
        if (_descriptor != 0)
        {
            nint d = _descriptor;
            _descriptor = 0;
            _api.Free(&d);
        }
    }

    private nint Live() => _descriptor != 0 ? _descriptor : throw new ObjectDisposedException(nameof(MklDfti));

    private void Set(int parameter, long value) => Check(_api, _api.SetValue(_descriptor, parameter, value), $"DftiSetValue({parameter})");

    private static void Check(Api api, long status, string call)
    {
        if (status != 0)
        {
            string message = Marshal.PtrToStringAnsi((nint)api.ErrorMessage(status)) ?? "no message";
            throw new InvalidOperationException($"MKL {call} failed: {message} (status {status}).");
        }
    }

    private sealed class Api
    {
        public delegate* unmanaged[Cdecl]<nint*, int, long, long> Create1D;
        public delegate* unmanaged[Cdecl]<nint, int, long, long> SetValue;
        public delegate* unmanaged[Cdecl]<nint, long> Commit;
        public delegate* unmanaged[Cdecl]<nint, double*, double*, long> Forward;
        public delegate* unmanaged[Cdecl]<nint, double*, double*, long> Backward;
        public delegate* unmanaged[Cdecl]<nint*, long> Free;
        public delegate* unmanaged[Cdecl]<long, byte*> ErrorMessage;

        private static readonly Dictionary<nint, Api?> s_bound = [];

        public static Api? Bind(nint library)
        {
            lock (s_bound)
            {
                if (!s_bound.TryGetValue(library, out Api? api))
                {
                    api = TryBind(library);
                    s_bound[library] = api;
                }

                return api;
            }
        }

        private static Api? TryBind(nint library)
        {
            if (!NativeLibrary.TryGetExport(library, "DftiCreateDescriptor_d_1d", out nint create)
                || !NativeLibrary.TryGetExport(library, "DftiSetValue", out nint set)
                || !NativeLibrary.TryGetExport(library, "DftiCommitDescriptor", out nint commit)
                || !NativeLibrary.TryGetExport(library, "DftiComputeForward", out nint forward)
                || !NativeLibrary.TryGetExport(library, "DftiComputeBackward", out nint backward)
                || !NativeLibrary.TryGetExport(library, "DftiFreeDescriptor", out nint free)
                || !NativeLibrary.TryGetExport(library, "DftiErrorMessage", out nint message))
            {
                return null;
            }

            // The variadic ones are entered through a trampoline that clears AL (see VariadicEntry).
            if (VariadicEntry.WithZeroAl(create, set, forward, backward) is not [nint createAl, nint setAl, nint forwardAl, nint backwardAl])
            {
                return null;
            }

            return new Api
            {
                Create1D = (delegate* unmanaged[Cdecl]<nint*, int, long, long>)createAl,
                SetValue = (delegate* unmanaged[Cdecl]<nint, int, long, long>)setAl,
                Commit = (delegate* unmanaged[Cdecl]<nint, long>)commit,
                Forward = (delegate* unmanaged[Cdecl]<nint, double*, double*, long>)forwardAl,
                Backward = (delegate* unmanaged[Cdecl]<nint, double*, double*, long>)backwardAl,
                Free = (delegate* unmanaged[Cdecl]<nint*, long>)free,
                ErrorMessage = (delegate* unmanaged[Cdecl]<long, byte*>)message,
            };
        }
    }
}
