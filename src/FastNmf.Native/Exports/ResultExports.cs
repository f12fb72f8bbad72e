using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastNmf.Native.Abi;
using FastNmf.Native.Data;
using FastNmf.Native.Errors;
using FastNmf.Native.Handles;

namespace FastNmf.Native.Exports;

/// <summary>The last successful run's W, H, history and summary, copied into caller buffers.</summary>
internal static unsafe class ResultExports
{
    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_get_result_info", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetResultInfo(nint factorizer, NativeResultInfo* info)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            NmfResult r = lease.Session.RequireResult();
            var summary = new NativeResultInfo
            {
                StructSize = (uint)sizeof(NativeResultInfo),
                Components = r.Components,
                ScanRows = r.ScanRows,
                ScanCols = r.ScanCols,
                DetRows = r.DetRows,
                DetCols = r.DetCols,
                Restarts = r.Restarts.Count,
                ChosenRestart = r.ChosenRestart,
                Iterations = r.History.Count,
                FirstScanRow = r.Slab.FirstRow,
                Mse = r.Mse,
                ElapsedSeconds = r.Elapsed.TotalSeconds,
                WLength = (ulong)r.W.LongLength,
                HLength = (ulong)r.H.LongLength,
            };
            AbiStruct.Write(info, summary, "info");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_get_result_info");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_get_w", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetW(nint factorizer, float* output, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            OutputBuffer.Copy<float>(lease.Session.RequireResult().W, output, capacity, required, "out (W)");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_get_w");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_get_h", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetH(nint factorizer, float* output, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            OutputBuffer.Copy<float>(lease.Session.RequireResult().H, output, capacity, required, "out (H)");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_get_h");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_get_history", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetHistory(nint factorizer, double* mse, double* deltaW, double* deltaH, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            IterationHistory history = lease.Session.RequireResult().History;
            // All three checked before any is written: a failing call leaves the caller's buffers untouched.
            OutputBuffer.Require(history.Count, capacity, required, "each history array");
            CApiException.ThrowIfNull(mse, "mse");
            CApiException.ThrowIfNull(deltaW, "delta_w");
            CApiException.ThrowIfNull(deltaH, "delta_h");
            OutputBuffer.Copy<double>(history.Mse, mse, capacity, null, "mse");
            OutputBuffer.Copy<double>(history.DeltaW, deltaW, capacity, null, "delta_w");
            OutputBuffer.Copy<double>(history.DeltaH, deltaH, capacity, null, "delta_h");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_get_history");
        }
    }
}
