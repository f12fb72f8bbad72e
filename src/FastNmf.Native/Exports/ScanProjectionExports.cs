using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastNmf.Data;
using FastNmf.Native.Abi;
using FastNmf.Native.Data;
using FastNmf.Native.Errors;
using FastNmf.Native.Handles;

namespace FastNmf.Native.Exports;

/// <summary>A whole scan projected onto a model: every frame's h, then the model's [·]_H over the complete maps, as the
/// factorization's H-step; the caller's strided float32 or uint16 buffer read once.</summary>
internal static unsafe class ScanProjectionExports
{
    [UnmanagedCallersOnly(EntryPoint = "fastnmf_model_project_scan_f32", CallConvs = [typeof(CallConvCdecl)])]
    public static int ProjectFloat32(nint model, float* data, nuint length, NativeLayout* layout, int threads, float* h, nuint hCapacity, double* residual, nuint residualCapacity) =>
        Project(model, data, length, layout, threads, h, hCapacity, residual, residualCapacity, "fastnmf_model_project_scan_f32");

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_model_project_scan_u16", CallConvs = [typeof(CallConvCdecl)])]
    public static int ProjectUInt16(nint model, ushort* data, nuint length, NativeLayout* layout, int threads, float* h, nuint hCapacity, double* residual, nuint residualCapacity) =>
        Project(model, data, length, layout, threads, h, hCapacity, residual, residualCapacity, "fastnmf_model_project_scan_u16");

    private static int Project<T>(nint model, T* data, nuint length, NativeLayout* layout, int threads, float* h, nuint hCapacity, double* residual, nuint residualCapacity, string function)
        where T : unmanaged, INumberBase<T>
    {
        try
        {
            LastError.Clear();
            using Lease<ModelSession> lease = Sessions.Models.Enter(model);
            NmfModel m = lease.Value.Model;
            CallerLayout l = CallerLayout.Check(layout, data, length, sizeof(T));
            if (l.DetRows != m.Pixels.DetRows || l.DetCols != m.Pixels.DetCols)
            {
                throw new CApiException(Status.BadLayout, $"frames of {l.DetRows}×{l.DetCols} pixels; the model's are {m.Pixels.DetRows}×{m.Pixels.DetCols}.");
            }

            if (threads < 0)
            {
                throw new CApiException(Status.InvalidArgument, $"threads = {threads}; 0 = all cores.");
            }

            long frames = (long)l.ScanRows * l.ScanCols;
            OutputBuffer.Require(frames * m.Components, hCapacity, null, "h (k × scan_rows × scan_cols)");
            if (residual != null)
            {
                OutputBuffer.Require(frames, residualCapacity, null, "residual (scan_rows × scan_cols)");
            }

            CApiException.ThrowIfNull(h, "h");
            using var source = new CallerFrameSource<T>(data, l);
            using UnfoldedData x = typeof(T) == typeof(ushort)
                ? XReader.ReadCounts(source, m.Pixels.ToMask(), clipNegative: false, progress: null)
                : XReader.ReadFloat32(source, m.Pixels.ToMask(), check: true, clipNegative: false, progress: null);
            Projection p = m.Project(x, threads);
            p.H.CopyTo(new Span<float>(h, p.H.Length));
            if (residual != null)
            {
                p.Residual.CopyTo(new Span<double>(residual, p.Residual.Length));
            }

            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, function);
        }
    }
}
