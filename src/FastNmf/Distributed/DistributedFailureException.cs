namespace FastNmf.Distributed;

/// <summary>
/// A failure every rank of a distributed run throws together (see <see cref="Collective.AgreeOn(Communicator, Exception?)"/>): the message and
/// exception type of the rank that failed, so rank 0 can report it once and every rank end with the same exit code.
/// </summary>
public sealed class DistributedFailureException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DistributedFailureException(int rank, string message, string originalType, Exception? original)
        : base(message, original)
    {
        Rank = rank;
        OriginalType = originalType;
    }

    /// <summary>Creates the exception.</summary>
    public DistributedFailureException()
    {
        OriginalType = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public DistributedFailureException(string message)
        : base(message)
    {
        OriginalType = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public DistributedFailureException(string message, Exception inner)
        : base(message, inner)
    {
        OriginalType = string.Empty;
    }

    /// <summary>The rank that failed (the highest-numbered one, when several did).</summary>
    public int Rank { get; }

    /// <summary>Whether every rank failed (a problem of the input or the options, not of one rank's share).</summary>
    public bool EveryRank { get; init; }

    /// <summary>The type name of the exception it caught (e.g. <c>DataFormatException</c>).</summary>
    public string OriginalType { get; }
}
