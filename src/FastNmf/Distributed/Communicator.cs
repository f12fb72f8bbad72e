namespace FastNmf.Distributed;

/// <summary>
/// The processes that run one factorization together, each holding a slab of scan rows (its frames of X and its
/// columns of H), and the few collective operations FastNmf needs between them. <see cref="Single"/> is one process
/// (every operation a no-op). Every method is collective: all ranks call it, in the same order, with the same sizes.
/// </summary>
/// <remarks>
/// FastNmf only ever sums values that are integer multiples of a common power of two and far from overflow (see the
/// README's "explicit reductions"), so an implementation may add in any order or tree — an MPI reduction, a loop over
/// ranks — and every rank gets the same bits. Implementations are used by one thread at a time.
/// </remarks>
public abstract class Communicator
{
    /// <summary>The one-process communicator: rank 0 of 1.</summary>
    public static Communicator Single { get; } = new SingleProcessCommunicator();

    /// <summary>This process's rank, 0 ≤ Rank &lt; Size.</summary>
    public abstract int Rank { get; }

    /// <summary>Number of processes.</summary>
    public abstract int Size { get; }

    /// <summary>A short description for logs and summaries (e.g. "Open MPI 4.1.4, 3 ranks").</summary>
    public virtual string Description => Size == 1 ? "one process" : $"{Size} ranks";

    /// <summary>What this communicator has carried so far (what each rank sends into the collectives).</summary>
    public CommunicationTraffic Traffic { get; } = new();

    /// <summary>Replaces every element by its sum over all ranks.</summary>
    public void AllreduceSum(Span<double> values)
    {
        Traffic.AddReduced(values.Length * sizeof(double));
        AllreduceSumCore(values);
    }

    /// <summary>Replaces every element by its maximum over all ranks.</summary>
    public void AllreduceMax(Span<double> values)
    {
        Traffic.AddReduced(values.Length * sizeof(double));
        AllreduceMaxCore(values);
    }

    /// <summary>
    /// Neighbour exchange of boundary rows: <paramref name="toPrevious"/> goes to rank − 1 (arriving there in its
    /// <paramref name="fromNext"/>) and <paramref name="toNext"/> to rank + 1 (arriving in its
    /// <paramref name="fromPrevious"/>). The first rank passes empty toPrevious/fromPrevious, the last empty
    /// toNext/fromNext; lengths must match pairwise.
    /// </summary>
    public void ExchangeHalo(ReadOnlySpan<float> toPrevious, ReadOnlySpan<float> toNext, Span<float> fromPrevious, Span<float> fromNext)
    {
        Traffic.AddExchanged((toPrevious.Length + toNext.Length) * sizeof(float));
        ExchangeHaloCore(toPrevious, toNext, fromPrevious, fromNext);
    }

    /// <summary>Rank r's <paramref name="local"/> (<paramref name="counts"/>[r] values) lands at rank 0 in
    /// <paramref name="atRoot"/>, rank after rank; other ranks pass an empty <paramref name="atRoot"/>.</summary>
    public void GatherToRoot(ReadOnlySpan<float> local, Span<float> atRoot, ReadOnlySpan<int> counts)
    {
        Traffic.AddGathered(local.Length * sizeof(float));
        GatherToRootCore(local, atRoot, counts);
    }

    /// <summary>Rank 0's <paramref name="data"/> is copied into every rank's (same length everywhere).</summary>
    public void Broadcast(Span<byte> data)
    {
        Traffic.AddBroadcast(data.Length);
        BroadcastCore(data);
    }

    /// <summary>See <see cref="AllreduceSum"/>.</summary>
    protected abstract void AllreduceSumCore(Span<double> values);

    /// <summary>See <see cref="AllreduceMax"/>.</summary>
    protected abstract void AllreduceMaxCore(Span<double> values);

    /// <summary>See <see cref="ExchangeHalo"/>.</summary>
    protected abstract void ExchangeHaloCore(ReadOnlySpan<float> toPrevious, ReadOnlySpan<float> toNext, Span<float> fromPrevious, Span<float> fromNext);

    /// <summary>See <see cref="GatherToRoot"/>.</summary>
    protected abstract void GatherToRootCore(ReadOnlySpan<float> local, Span<float> atRoot, ReadOnlySpan<int> counts);

    /// <summary>See <see cref="Broadcast"/>.</summary>
    protected abstract void BroadcastCore(Span<byte> data);
}
