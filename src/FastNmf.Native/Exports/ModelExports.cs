using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Native.Abi;
using FastNmf.Native.Errors;
using FastNmf.Native.Handles;

namespace FastNmf.Native.Exports;

/// <summary>Fitted models: load, create, take from a run, describe, project float32/uint16 frames, destroy.</summary>
internal static unsafe class ModelExports
{
    [UnmanagedCallersOnly(EntryPoint = "fastnmf_model_load", CallConvs = [typeof(CallConvCdecl)])]
    public static int Load(byte* directory, nint* output)
    {
        try
        {
            LastError.Clear();
            CApiException.ThrowIfNull(output, "out");
            *output = 0;
            CApiException.ThrowIfNull(directory, "directory");
            string path = Marshal.PtrToStringUTF8((nint)directory) ?? string.Empty;
            *output = Sessions.Models.Add(new ModelSession(NmfModel.Load(path)));
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_model_load");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_model_create", CallConvs = [typeof(CallConvCdecl)])]
    public static int Create(float* w, int components, int detRows, int detCols, byte* mask, int mapConstraint, float* kernelWeights, int kernelSize, nint* output)
    {
        try
        {
            LastError.Clear();
            CApiException.ThrowIfNull(output, "out");
            *output = 0;
            CApiException.ThrowIfNull(w, "w");
            if (components < 1 || detRows < 1 || detCols < 1 || (long)components * detRows * detCols > Array.MaxLength)
            {
                throw new CApiException(Status.InvalidArgument, $"components {components} × {detRows}×{detCols} detector: every dimension must be at least 1 and W must fit in memory.");
            }

            if (!Enum.IsDefined((MapConstraint)mapConstraint))
            {
                throw new CApiException(Status.InvalidArgument, $"map_constraint = {mapConstraint} is not one of FASTNMF_H_NONE/NON_NEGATIVE/CONVOLUTION (0..2).");
            }

            int pixels = detRows * detCols;
            var masked = new bool[pixels];
            if (mask != null)
            {
                for (int i = 0; i < pixels; i++)
                {
                    masked[i] = mask[i] != 0;
                }
            }

            ConvolutionKernel? kernel = null;
            if (kernelWeights != null)
            {
                if (kernelSize < 1 || kernelSize > 101)
                {
                    throw new CApiException(Status.InvalidArgument, $"kernel_size = {kernelSize}; a kernel is odd and 1..101 wide.");
                }

                kernel = ConvolutionKernel.FromWeights(new ReadOnlySpan<float>(kernelWeights, kernelSize * kernelSize), kernelSize);
            }

            PixelMap map = PixelMap.FromMasked(detRows, detCols, masked, detRows / 2.0, detCols / 2.0);
            NmfModel model = NmfModel.Create(new ReadOnlySpan<float>(w, components * pixels), components, map, (MapConstraint)mapConstraint, kernel);
            *output = Sessions.Models.Add(new ModelSession(model));
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_model_create");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_get_model", CallConvs = [typeof(CallConvCdecl)])]
    public static int FromFactorizer(nint factorizer, nint* output)
    {
        try
        {
            LastError.Clear();
            CApiException.ThrowIfNull(output, "out");
            *output = 0;
            using Lease<Session> lease = Sessions.Enter(factorizer);
            *output = Sessions.Models.Add(new ModelSession(lease.Session.RequireResult().Model));
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_get_model");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_model_get_info", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetInfo(nint model, NativeModelInfo* info)
    {
        try
        {
            LastError.Clear();
            using Lease<ModelSession> lease = Sessions.Models.Enter(model);
            NmfModel m = lease.Value.Model;
            var summary = new NativeModelInfo
            {
                StructSize = (uint)sizeof(NativeModelInfo),
                Components = m.Components,
                DetRows = m.Pixels.DetRows,
                DetCols = m.Pixels.DetCols,
                KeptPixels = m.Pixels.KeptCount,
                MapConstraint = (int)m.MapConstraint,
                KernelSize = m.MapKernel.Size,
                CentreRow = m.Pixels.CentreRow,
                CentreCol = m.Pixels.CentreCol,
                Ridge = m.Ridge,
            };
            AbiStruct.Write(info, summary, "info");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_model_get_info");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_model_get_w", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetW(nint model, float* output, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            using Lease<ModelSession> lease = Sessions.Models.Enter(model);
            OutputBufferCopy(lease.Value.Model.W, output, capacity, required);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_model_get_w");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_model_get_kernel", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetKernel(nint model, float* output, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            using Lease<ModelSession> lease = Sessions.Models.Enter(model);
            OutputBufferCopy(lease.Value.Model.MapKernel.Weights, output, capacity, required);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_model_get_kernel");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_model_project_f32", CallConvs = [typeof(CallConvCdecl)])]
    public static int ProjectFloat32(nint model, float* frames, nuint count, nuint frameStride, float* h, nuint hCapacity, double* residual, nuint residualCapacity) =>
        Project(model, frames, count, frameStride, h, hCapacity, residual, residualCapacity, "fastnmf_model_project_f32");

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_model_project_u16", CallConvs = [typeof(CallConvCdecl)])]
    public static int ProjectUInt16(nint model, ushort* frames, nuint count, nuint frameStride, float* h, nuint hCapacity, double* residual, nuint residualCapacity) =>
        Project(model, frames, count, frameStride, h, hCapacity, residual, residualCapacity, "fastnmf_model_project_u16");

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_model_destroy", CallConvs = [typeof(CallConvCdecl)])]
    public static int Destroy(nint model)
    {
        try
        {
            LastError.Clear();
            Sessions.Models.Destroy(model);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_model_destroy");
        }
    }

    private static int Project<T>(nint model, T* frames, nuint count, nuint frameStride, float* h, nuint hCapacity, double* residual, nuint residualCapacity, string function)
        where T : unmanaged, INumberBase<T>
    {
        try
        {
            LastError.Clear();
            using Lease<ModelSession> lease = Sessions.Models.Enter(model);
            NmfModel m = lease.Value.Model;
            int pixels = m.Pixels.DetectorPixels;
            ulong stride = frameStride == 0 ? (ulong)pixels : frameStride;
            if (stride < (ulong)pixels)
            {
                throw new CApiException(Status.BadLayout, $"frame_stride {frameStride} is below the {m.Pixels.DetRows}×{m.Pixels.DetCols} = {pixels} pixels of a frame.");
            }

            ulong k = (ulong)m.Components;
            if (count > int.MaxValue || (ulong)count * k > int.MaxValue)
            {
                throw new CApiException(Status.InvalidArgument, $"count = {count}: project at most {int.MaxValue / m.Components} frames per call.");
            }

            if ((ulong)hCapacity < (ulong)count * k)
            {
                throw new CApiException(Status.BufferTooSmall, $"h needs count × k = {(ulong)count * k} floats, capacity is {hCapacity}.");
            }

            if (residual != null && (ulong)residualCapacity < (ulong)count)
            {
                throw new CApiException(Status.BufferTooSmall, $"residual needs count = {count} doubles, capacity is {residualCapacity}.");
            }

            if (count == 0)
            {
                return (int)Status.Ok;
            }

            CApiException.ThrowIfNull(frames, "frames");
            CApiException.ThrowIfNull(h, "h");
            ModelProjector projector = lease.Value.Projector;
            int n = (int)count;
            var hs = new Span<float>(h, n * (int)k);
            Span<double> rs = residual == null ? default : new Span<double>(residual, n);
            if (stride == (ulong)pixels)
            {
                var all = new ReadOnlySpan<T>(frames, checked(n * pixels));
                CheckValues(all, m, 0);
                Run(projector, all, hs, rs);
            }
            else
            {
                // Padded frames (a detector's own buffer layout): one frame per step, read in place.
                for (int j = 0; j < n; j++)
                {
                    var frame = new ReadOnlySpan<T>(frames + (j * (long)stride), pixels);
                    CheckValues(frame, m, j);
                    Run(projector, frame, hs.Slice(j * (int)k, (int)k), rs.IsEmpty ? default : rs.Slice(j, 1));
                }
            }

            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, function);
        }
    }

    // uint16 counts are always valid; float32 frames must be finite and non-negative, as a run's data.
    private static void CheckValues<T>(ReadOnlySpan<T> frames, NmfModel m, long firstFrame)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Data.FrameValues.Check(MemoryMarshal.Cast<T, float>(frames), m.Pixels, firstFrame);
        }
    }

    private static void Run<T>(ModelProjector projector, ReadOnlySpan<T> frames, Span<float> h, Span<double> residual)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            projector.Project(MemoryMarshal.Cast<T, float>(frames), h, residual);
        }
        else
        {
            projector.Project(MemoryMarshal.Cast<T, ushort>(frames), h, residual);
        }
    }

    private static void OutputBufferCopy(ReadOnlySpan<float> source, float* destination, nuint capacity, nuint* required) =>
        Data.OutputBuffer.Copy(source, destination, capacity, required, "out");
}
