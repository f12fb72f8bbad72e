namespace FastNmf.Live;

/// <summary>Where a live feed stands: for a progress line or a viewer.</summary>
/// <param name="Received">Frames pushed into the scan.</param>
/// <param name="Lost">Frames the stream lost (sequence or frame-id gaps).</param>
/// <param name="Announced">Frames the acquisition announced (0: not said).</param>
/// <param name="Positions">Scan positions.</param>
/// <param name="Bytes">Bytes received.</param>
/// <param name="Seconds">Since the first frame.</param>
/// <param name="Backlog">Frames received and waiting for the consumer (the lag).</param>
/// <param name="LatencyP50">Median latency from a frame's last byte to its map value, seconds.</param>
/// <param name="LatencyP99">99th percentile of that latency, seconds.</param>
public sealed record LiveStatus(long Received, long Lost, long Announced, long Positions, long Bytes, double Seconds, int Backlog, double LatencyP50, double LatencyP99)
{
    /// <summary>Frames per second since the first frame.</summary>
    public double FramesPerSecond => Seconds > 0 ? Received / Seconds : 0;

    /// <summary>MiB per second received.</summary>
    public double MiBPerSecond => Seconds > 0 ? Bytes / Seconds / (1 << 20) : 0;

    /// <summary>Seconds until the announced (else the scan's) frames are in at the current rate, or null.</summary>
    public double? EtaSeconds
    {
        get
        {
            long expected = Announced > 0 ? Announced : Positions;
            return FramesPerSecond > 0 ? Math.Max(0, expected - Received - Lost) / FramesPerSecond : null;
        }
    }
}
