namespace FastNmf.Kernels.Threading;

/// <summary>
/// A unit of parallel work: <see cref="Execute"/> is called once per part with a disjoint item range. Implementations are
/// long-lived objects whose fields are set before each run, so a run allocates nothing. <c>part</c> (0 ≤ part &lt;
/// threads) lets a work item use per-thread scratch it owns.
/// </summary>
internal interface ITeamWork
{
    void Execute(int part, int start, int end);
}
