using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.Distributed.Mpi;

namespace FastNmf.Cli.Commands;

/// <summary>
/// What every <c>--distributed</c> verb runs in: MPI_COMM_WORLD (MPI initialised and finalised here), rank 0's console
/// only, and one way to fail — a failure the ranks agreed on (<see cref="Collective.AgreeOn(Communicator, Exception?)"/>) or that every rank meets
/// alike (a numerical breakdown: the iteration's decisions are replicated) is printed once by rank 0 and every rank
/// exits with its code; a failure of one rank alone is printed by that rank, naming it, and ends the whole job at once
/// (MPI_Abort), so no rank waits for it.
/// </summary>
internal static class DistributedRun
{
    public static int Execute(Func<MpiCommunicator, int> body)
    {
        MpiCommunicator comm;
        try
        {
            comm = MpiCommunicator.World();
        }
        catch (MpiException e)
        {
            return CliErrors.Report(e, "--distributed: ");
        }

        TextWriter stdout = Console.Out;
        bool root = comm.Rank == 0;
        if (!root)
        {
            Console.SetOut(TextWriter.Null);
        }

        try
        {
            return body(comm);
        }
        catch (Exception e) when (e is DistributedFailureException or NumericalBreakdownException)
        {
            return root ? CliErrors.Report(e) : CliErrors.Classify(e).Code;
        }
        catch (Exception e)
        {
            int code = CliErrors.Report(e, $"rank {comm.Rank} of {comm.Size}: ");
            Console.Error.Flush();
            comm.Abort(code);
            return code;
        }
        finally
        {
            Console.SetOut(stdout);
            MpiCommunicator.FinaliseIfOwned();
        }
    }

    /// <summary>Runs <paramref name="step"/> on every rank and agrees on whether it failed (collective).</summary>
    public static T Agreed<T>(Communicator comm, Func<T> step)
    {
        T value = default!;
        Exception? failure = null;
        try
        {
            value = step();
        }
        catch (Exception e) when (e is not DistributedFailureException)
        {
            failure = e;
        }

        Collective.AgreeOn(comm, failure);
        return value;
    }

    /// <summary>
    /// X read with <c>auto</c> is uint16 where a slab holds only counts, float32 elsewhere; every rank must hold it the
    /// same way (the storage and the bits depend on it), so if any rank's slab is float32, the uint16 ones are read again
    /// as float32 (collective).
    /// </summary>
    public static UnfoldedData SameReadMode(Communicator comm, UnfoldedData x, Func<UnfoldedData> readFloat32)
    {
        Span<double> anyFloat32 = [x.IsUInt16 ? 0 : 1];
        comm.AllreduceMax(anyFloat32);
        bool again = anyFloat32[0] != 0 && x.IsUInt16;
        if (again)
        {
            x.Dispose();
            Console.WriteLine("another rank's slab holds values that are not counts: every rank holds X as float32");
        }

        return Agreed(comm, () => again ? readFloat32() : x);
    }
}
