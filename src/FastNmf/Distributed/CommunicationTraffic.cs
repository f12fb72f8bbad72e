namespace FastNmf.Distributed;

/// <summary>
/// Counts of what one rank's <see cref="Communicator"/> carried: collectives and the payload bytes this rank sent into
/// them, by kind. Payload, not wire bytes: an MPI allreduce of n bytes moves about 2n per rank in a ring, less in a
/// tree. Updated with interlocked adds (the shared one-process communicator may serve several runs at once).
/// </summary>
public sealed class CommunicationTraffic
{
    private long _collectives;
    private long _reduced;
    private long _exchanged;
    private long _gathered;
    private long _broadcast;

    /// <summary>Collective calls so far.</summary>
    public long Collectives => Interlocked.Read(ref _collectives);

    /// <summary>Bytes of the sums and maxima (AllreduceSum, AllreduceMax).</summary>
    public long ReducedBytes => Interlocked.Read(ref _reduced);

    /// <summary>Bytes of boundary map rows sent to the neighbouring ranks ([·]_H's halo).</summary>
    public long ExchangedBytes => Interlocked.Read(ref _exchanged);

    /// <summary>Bytes sent to rank 0 by gathers (H, per-frame results).</summary>
    public long GatheredBytes => Interlocked.Read(ref _gathered);

    /// <summary>Bytes broadcast from rank 0 (argument checks).</summary>
    public long BroadcastBytes => Interlocked.Read(ref _broadcast);

    /// <summary>All payload bytes.</summary>
    public long TotalBytes => ReducedBytes + ExchangedBytes + GatheredBytes + BroadcastBytes;

    internal void AddReduced(long bytes) => Add(ref _reduced, bytes);

    internal void AddExchanged(long bytes) => Add(ref _exchanged, bytes);

    internal void AddGathered(long bytes) => Add(ref _gathered, bytes);

    internal void AddBroadcast(long bytes) => Add(ref _broadcast, bytes);

    private void Add(ref long counter, long bytes)
    {
        Interlocked.Increment(ref _collectives);
        Interlocked.Add(ref counter, bytes);
    }
}
