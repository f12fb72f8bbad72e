namespace FastNmf.Kernels.Threading;

/// <summary>
/// A unit of parallel work: <see cref="Execute"/> is called once per part with a disjoint item range. Implementations are
/// long-lived objects whose fields are set before each run, so a run allocates nothing.
/// </summary>
internal interface ITeamWork
{
    void Execute(int start, int end);
}
