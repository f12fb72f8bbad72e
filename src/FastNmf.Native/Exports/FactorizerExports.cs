using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Native.Abi;
using FastNmf.Native.Errors;
using FastNmf.Native.Handles;

namespace FastNmf.Native.Exports;

/// <summary>Handle life cycle and what a handle holds for its runs: parameters, mask, map kernel, progress callback.</summary>
internal static unsafe class FactorizerExports
{
    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_create", CallConvs = [typeof(CallConvCdecl)])]
    public static int Create(NativeParams* parameters, nint* output)
    {
        try
        {
            LastError.Clear();
            CApiException.ThrowIfNull(output, "out");
            *output = 0;
            NmfOptions options = ParamsConversion.ToOptions(AbiStruct.Read(parameters, "params"));
            *output = Sessions.Add(new Session(options));
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_create");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_destroy", CallConvs = [typeof(CallConvCdecl)])]
    public static int Destroy(nint factorizer)
    {
        try
        {
            LastError.Clear();
            Sessions.Destroy(factorizer);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_destroy");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_set_params", CallConvs = [typeof(CallConvCdecl)])]
    public static int SetParams(nint factorizer, NativeParams* parameters)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            lease.Session.Options = ParamsConversion.ToOptions(AbiStruct.Read(parameters, "params"));
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_set_params");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_set_mask", CallConvs = [typeof(CallConvCdecl)])]
    public static int SetMask(nint factorizer, byte* masked, int detRows, int detCols)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            CApiException.ThrowIfNull(masked, "masked");
            if (detRows < 1 || detCols < 1 || (long)detRows * detCols > Array.MaxLength)
            {
                throw new CApiException(Status.InvalidArgument, $"a {detRows}×{detCols} mask is empty or too large.");
            }

            var flags = new bool[detRows * detCols];
            var source = new ReadOnlySpan<byte>(masked, flags.Length);
            for (int i = 0; i < flags.Length; i++)
            {
                flags[i] = source[i] != 0;
            }

            lease.Session.Mask = new DetectorMask(flags, detRows, detCols);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_set_mask");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_clear_mask", CallConvs = [typeof(CallConvCdecl)])]
    public static int ClearMask(nint factorizer)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            lease.Session.Mask = null;
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_clear_mask");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_set_kernel", CallConvs = [typeof(CallConvCdecl)])]
    public static int SetKernel(nint factorizer, float* weights, int size)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            CApiException.ThrowIfNull(weights, "weights");
            // The library checks oddness and the range again; this bound keeps size × size from overflowing first.
            if (size < 1 || size > 101)
            {
                throw new CApiException(Status.InvalidArgument, $"size = {size}; a kernel is odd and 1..101 wide.");
            }

            lease.Session.MapKernel = ConvolutionKernel.FromWeights(new ReadOnlySpan<float>(weights, size * size), size);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_set_kernel");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_set_kernel_probe", CallConvs = [typeof(CallConvCdecl)])]
    public static int SetKernelProbe(nint factorizer, int shape, double probeFwhm, double scanStep, int size, double eta)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            if (!Enum.IsDefined((KernelShape)shape))
            {
                throw new CApiException(Status.InvalidArgument, $"shape = {shape} is not one of FASTNMF_KERNEL_GAUSSIAN/LORENTZIAN/PSEUDO_VOIGT (0..2).");
            }

            if (size < 0)
            {
                throw new CApiException(Status.InvalidArgument, $"size = {size}; use 0 for the automatic size.");
            }

            lease.Session.MapKernel = ConvolutionKernel.FromProbe(probeFwhm, scanStep, (KernelShape)shape, size == 0 ? null : size, eta);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_set_kernel_probe");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_set_protocol", CallConvs = [typeof(CallConvCdecl)])]
    public static int SetProtocol(nint factorizer, int amorphousShare, int fillRoute)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            if (amorphousShare is not (0 or 1))
            {
                throw new CApiException(Status.InvalidArgument, $"amorphous_share = {amorphousShare} is not FASTNMF_AMORPHOUS_SHARE_REMOVE or _KEEP (0, 1).");
            }

            if (fillRoute is not (0 or 1))
            {
                throw new CApiException(Status.InvalidArgument, $"fill_route = {fillRoute} is not FASTNMF_FILL_ROUTE_PIXEL or _POLAR (0, 1).");
            }

            lease.Session.RemoveAmorphousShare = amorphousShare == 0;
            lease.Session.FillRoute = fillRoute == 0 ? PolarFillRoute.Pixel : PolarFillRoute.Polar;
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_set_protocol");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_set_fast", CallConvs = [typeof(CallConvCdecl)])]
    public static int SetFast(nint factorizer, int mode, int trialIterations, int keepRestarts, int coarseScan, int fineIterations)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            lease.Session.Fast = FastLevers.From(mode, trialIterations, keepRestarts, coarseScan, fineIterations);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_set_fast");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_set_progress", CallConvs = [typeof(CallConvCdecl)])]
    public static int SetProgress(nint factorizer, delegate* unmanaged[Cdecl]<void*, NativeProgress*, int> callback, void* userData)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            lease.Session.SetProgress(callback, userData);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_set_progress");
        }
    }
}
