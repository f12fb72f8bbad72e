using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastNmf.Data;
using FastNmf.Distributed.Mpi;
using FastNmf.Native.Abi;
using FastNmf.Native.Errors;
using FastNmf.Native.Handles;

namespace FastNmf.Native.Exports;

/// <summary>An MPI program's communicator for a factorizer's runs, and the slab of scan rows each rank holds.</summary>
internal static unsafe class CommunicatorExports
{
    // fastnmf_factorizer_set_communicator's kinds (fastnmf.h).
    private const int KindNone = 0;
    private const int KindC = 1;
    private const int KindFortran = 2;

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_set_communicator", CallConvs = [typeof(CallConvCdecl)])]
    public static int SetCommunicator(nint factorizer, nint comm, int kind)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            MpiCommunicator? communicator = kind switch
            {
                KindNone => null,
                KindC => MpiCommunicator.FromHandle(comm),
                KindFortran when comm is >= int.MinValue and <= int.MaxValue => MpiCommunicator.FromFortran((int)comm),
                KindFortran => throw new CApiException(Status.InvalidArgument, $"comm = {comm} is not a Fortran handle (an MPI_Fint)."),
                _ => throw new CApiException(Status.InvalidArgument, $"kind = {kind}; expected FASTNMF_COMM_NONE (0), FASTNMF_COMM_C (1) or FASTNMF_COMM_FORTRAN (2)."),
            };
            lease.Session.SetCommunicator(communicator);
            return (int)Status.Ok;
        }
        catch (MpiException e)
        {
            return ErrorBoundary.Fail(Status.BackendUnavailable, "fastnmf_factorizer_set_communicator", e.Message);
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_set_communicator");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_slab_for_rank", CallConvs = [typeof(CallConvCdecl)])]
    public static int SlabForRank(int scanRows, int scanCols, int rank, int size, int* firstRow, int* rows)
    {
        try
        {
            LastError.Clear();
            CApiException.ThrowIfNull(firstRow, "first_row");
            CApiException.ThrowIfNull(rows, "rows");
            if (scanRows < 1 || scanCols < 1 || size < 1 || rank < 0 || rank >= size)
            {
                throw new CApiException(Status.InvalidArgument, $"scan {scanRows}×{scanCols}, rank {rank} of {size}: the scan needs at least one row and column, and 0 <= rank < size.");
            }

            ScanSlab slab = ScanSlab.ForRank(scanRows, scanCols, rank, size);
            *firstRow = slab.FirstRow;
            *rows = slab.Rows;
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_slab_for_rank");
        }
    }
}
