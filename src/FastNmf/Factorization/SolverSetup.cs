using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.Kernels;
using FastNmf.Kernels.Threading;
using FastNmf.Storage;

namespace FastNmf.Factorization;

/// <summary>What a <see cref="NmfSolver"/> works with: this rank's X and its operand, the run's options and kernels,
/// the workspace and team, the communicator, X's statistics over the whole scan, and this rank's canonical blocks.</summary>
internal sealed record SolverSetup(
    UnfoldedData X,
    NmfOptions Options,
    KernelSet Kernels,
    IXOperand Operand,
    SolverWorkspace Workspace,
    WorkerTeam Team,
    PhaseTimes Times,
    Communicator Communicator,
    XStatistics Statistics,
    (int Start, int Count)[] Blocks,
    int TotalBlocks);
