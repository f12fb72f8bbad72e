namespace FastNmf.Live;

/// <summary>What a live feed received and how it ended.</summary>
public sealed class LiveFeedResult
{
    internal LiveFeedResult(LiveEnd end, string? reason, LiveStatus status, long missing, LatencyHistogram latency)
    {
        End = end;
        Reason = reason;
        Status = status;
        Missing = missing;
        Latency = latency;
    }

    /// <summary>How it ended.</summary>
    public LiveEnd End { get; }

    /// <summary>Why it did not end complete (the stream's error message, or what was missing), else null.</summary>
    public string? Reason { get; }

    /// <summary>The final counts and rates.</summary>
    public LiveStatus Status { get; }

    /// <summary>Scan positions no frame arrived for (lost in the stream, or never sent).</summary>
    public long Missing { get; }

    /// <summary>Latency from each frame's last byte to its map value.</summary>
    public LatencyHistogram Latency { get; }

    /// <summary>Whether every scan position got its frame.</summary>
    public bool IsComplete => End == LiveEnd.Complete && Missing == 0;
}
