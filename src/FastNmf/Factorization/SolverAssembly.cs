using System.Diagnostics;
using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.Kernels;
using FastNmf.Kernels.Threading;
using FastNmf.Storage;

namespace FastNmf.Factorization;

/// <summary>
/// What one run's solver is made of — X's operand in its storage, the workspace, the solver — built together, with
/// every rank's outcome agreed on: a rank that cannot build its part (out of memory on the largest slab, a slab thinner
/// than the map kernel reaches) fails every rank with its message, and ranks whose reductions would not line up
/// (another batch, storage or accumulator layout, e.g. other kernel widths) are refused before the first collective of
/// the iteration. Disposes what it built.
/// </summary>
internal sealed class SolverAssembly : IDisposable
{
    private SolverAssembly(IXOperand xop, SolverWorkspace workspace, NmfSolver solver)
    {
        XOperand = xop;
        Workspace = workspace;
        Solver = solver;
    }

    public IXOperand XOperand { get; }

    public SolverWorkspace Workspace { get; }

    public NmfSolver Solver { get; }

    /// <exception cref="DistributedFailureException">some rank could not build its part, or the ranks' reductions differ.</exception>
    public static SolverAssembly Build(UnfoldedData x, NmfOptions options, KernelSet kernels, RunPlan plan, WorkerTeam team, PhaseTimes times,
        Communicator comm, XStatistics stats, FrameBlocks blocks)
    {
        int k = options.Components;
        (int Start, int Count)[] local = blocks.LocalRanges(x.Slab);
        IXOperand? xop = null;
        SolverWorkspace? workspace = null;
        NmfSolver? solver = null;
        Exception? failure = null;
        long t = Stopwatch.GetTimestamp();
        try
        {
            xop = XOperands.Create(x, plan.Storage, kernels, team, k * plan.Batch, new FoldLayout(local, stats.PixelSums));
            t = times.Add(PhaseTimes.Phase.Storage, t);
            workspace = new SolverWorkspace(x.NUv, x.NXy, k, plan.Batch);
            solver = new NmfSolver(new SolverSetup(x, options, kernels, xop, workspace, team, times, comm, stats, local, blocks.Count));
            times.Add(PhaseTimes.Phase.Setup, t);
        }
        catch (Exception e) when (comm.Size > 1)
        {
            failure = e;
        }

        var built = new SolverAssembly(xop!, workspace!, solver!);
        try
        {
            Collective.AgreeOn(comm, failure ?? (solver!.SetupProblem is { } problem ? new ArgumentException(problem) : null));
            AgreeOnLayout(comm, plan, xop!.AccumulatorLength(k * plan.Batch), kernels);
            return built;
        }
        catch
        {
            built.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Solver?.Dispose();
        Workspace?.Dispose();
        XOperand?.Dispose();
    }

    // Rank 0's batch, storage and accumulator length, broadcast and compared: every later reduction has these lengths.
    private static void AgreeOnLayout(Communicator comm, RunPlan plan, long accumulators, KernelSet kernels)
    {
        if (comm.Size == 1)
        {
            return;
        }

        long[] mine = [plan.Batch, (long)plan.Storage, accumulators];
        var root = new byte[mine.Length * sizeof(long)];
        Buffer.BlockCopy(mine, 0, root, 0, root.Length);
        comm.Broadcast(root);
        var theirs = new long[mine.Length];
        Buffer.BlockCopy(root, 0, theirs, 0, root.Length);
        Collective.AgreeOn(comm, mine.AsSpan().SequenceEqual(theirs) ? null : new ArgumentException(
            $"rank {comm.Rank} would reduce {accumulators} accumulators for {plan.Batch} restart(s) per pass with {RunPlan.Name(plan.Storage)} storage, rank 0 {theirs[2]} for {theirs[0]} with {RunPlan.Name((XStorage)theirs[1])} ({kernels.Describe()} here): every rank needs the same kernels (set {KernelSet.EnvironmentVariable} alike on every rank, e.g. to the narrowest CPU's widths)."));
    }
}
