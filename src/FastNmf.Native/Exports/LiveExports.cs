using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastNmf.Live;
using FastNmf.Native.Abi;
using FastNmf.Native.Errors;
using FastNmf.Native.Handles;

namespace FastNmf.Native.Exports;

/// <summary>Live scans for acquisition software, a model's projection or a learner's (see <see cref="LiveLearnExports"/>):
/// frames pushed as they arrive (push, mark lost, complete), with snapshots of the maps, residuals, position states and W.</summary>
internal static unsafe class LiveExports
{
    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_create", CallConvs = [typeof(CallConvCdecl)])]
    public static int Create(nint model, int scanRows, int scanCols, int threads, nint* output)
    {
        try
        {
            LastError.Clear();
            CApiException.ThrowIfNull(output, "out");
            *output = 0;
            if (scanRows < 1 || scanCols < 1 || threads < 0)
            {
                throw new CApiException(Status.InvalidArgument, $"scan {scanRows}×{scanCols} with {threads} thread(s): the scan needs at least one row and column, threads 0 (all cores) or more.");
            }

            using Lease<ModelSession> lease = Sessions.Models.Enter(model);
            var live = new LiveProjection(lease.Value.Model, scanRows, scanCols, threads == 0 ? Environment.ProcessorCount : threads);
            *output = Sessions.Lives.Add(new LiveSession(live));
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_live_create");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_push_f32", CallConvs = [typeof(CallConvCdecl)])]
    public static int PushFloat32(nint live, float* frames, nuint count, long firstPosition) => Push(live, frames, count, firstPosition, "fastnmf_live_push_f32");

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_push_u16", CallConvs = [typeof(CallConvCdecl)])]
    public static int PushUInt16(nint live, ushort* frames, nuint count, long firstPosition) => Push(live, frames, count, firstPosition, "fastnmf_live_push_u16");

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_mark_lost", CallConvs = [typeof(CallConvCdecl)])]
    public static int MarkLost(nint live, long firstPosition, nuint count)
    {
        try
        {
            LastError.Clear();
            using Lease<LiveSession> lease = Sessions.Lives.Enter(live);
            Open(lease.Value).MarkLost(firstPosition, (int)Math.Min(count, (nuint)int.MaxValue));
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_live_mark_lost");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_complete", CallConvs = [typeof(CallConvCdecl)])]
    public static int Complete(nint live)
    {
        try
        {
            LastError.Clear();
            using Lease<LiveSession> lease = Sessions.Lives.Enter(live);
            lease.Value.Scan.Complete();
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_live_complete");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_get_progress", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetProgress(nint live, long* received, long* lost, int* finalRows, int* complete)
    {
        try
        {
            LastError.Clear();
            using Lease<LiveSession> lease = Sessions.Lives.Enter(live);
            LiveSession p = lease.Value;
            if (received != null)
            {
                *received = p.Received;
            }

            if (lost != null)
            {
                *lost = p.Lost;
            }

            if (finalRows != null)
            {
                *finalRows = p.FinalRows;
            }

            if (complete != null)
            {
                *complete = p.IsComplete ? 1 : 0;
            }

            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_live_get_progress");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_get_maps", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetMaps(nint live, float* output, nuint capacity, nuint* required) =>
        Snapshot(live, output, capacity, required, static p => p.MapsLength, static (o, p) => p.CopyMaps(o), "fastnmf_live_get_maps");

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_get_residual", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetResidual(nint live, double* output, nuint capacity, nuint* required) =>
        Snapshot(live, output, capacity, required, static p => p.ResidualLength, static (o, p) => p.CopyResidual(o), "fastnmf_live_get_residual");

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_get_states", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetStates(nint live, byte* output, nuint capacity, nuint* required) =>
        Snapshot(live, (PositionState*)output, capacity, required, static p => p.Scan.Positions, static (o, p) => p.CopyStates(o), "fastnmf_live_get_states");

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_get_w", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetW(nint live, float* output, nuint capacity, nuint* required) =>
        Snapshot(live, output, capacity, required, static p => p.WLength, static (o, p) => p.CopyW(o), "fastnmf_live_get_w");

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_destroy", CallConvs = [typeof(CallConvCdecl)])]
    public static int Destroy(nint live)
    {
        try
        {
            LastError.Clear();
            Sessions.Lives.Destroy(live);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_live_destroy");
        }
    }

    private static int Push<T>(nint live, T* frames, nuint count, long firstPosition, string function)
        where T : unmanaged, INumberBase<T>
    {
        try
        {
            LastError.Clear();
            using Lease<LiveSession> lease = Sessions.Lives.Enter(live);
            LiveSession session = lease.Value;
            ILiveScan p = Open(session);
            if (count == 0)
            {
                return (int)Status.Ok;
            }

            CApiException.ThrowIfNull(frames, "frames");
            int pixels = p.DetRows * p.DetCols;
            if (count > (nuint)(p.Positions))
            {
                throw new CApiException(Status.InvalidArgument, $"count {count}: the scan has {p.Positions} positions.");
            }

            var values = new ReadOnlySpan<T>(frames, checked((int)count * pixels));
            if (typeof(T) == typeof(float))
            {
                Data.FrameValues.Check(MemoryMarshal.Cast<T, float>(values), session.Pixels, firstPosition);
                p.Push(MemoryMarshal.Cast<T, float>(values), firstPosition);
            }
            else
            {
                p.Push(MemoryMarshal.Cast<T, ushort>(values), firstPosition);
            }

            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, function);
        }
    }

    // One snapshot into the caller's buffer: the size reported (and checked) first, then the copy.
    private static int Snapshot<T>(nint live, T* output, nuint capacity, nuint* required, Func<LiveSession, long> length, SpanAction<T, LiveSession> copy, string function)
        where T : unmanaged
    {
        try
        {
            LastError.Clear();
            using Lease<LiveSession> lease = Sessions.Lives.Enter(live);
            LiveSession p = lease.Value;
            long n = length(p);
            Data.OutputBuffer.Require(n, capacity, required, "out");
            CApiException.ThrowIfNull(output, "out");
            copy(new Span<T>(output, (int)n), p);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, function);
        }
    }

    // A push or a loss after the end is the caller's mistake, not an internal failure.
    private static ILiveScan Open(LiveSession session) =>
        session.IsComplete
            ? throw new CApiException(Status.InvalidArgument, "the scan is complete (fastnmf_live_complete was called): no more frames.")
            : session.Scan;
}
