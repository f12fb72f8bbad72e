namespace FastNmf.Memory;

/// <summary>The process-wide count of <see cref="AlignedBuffer{T}"/> memory of every element type: what the run plan's
/// forecast is held to in tests.</summary>
internal static class AlignedMemory
{
    private static long s_outstanding;
    private static long s_outstandingBytes;
    private static long s_peakBytes;

    /// <summary>Number of buffers allocated and not yet freed.</summary>
    public static long Outstanding => Interlocked.Read(ref s_outstanding);

    /// <summary>Bytes of all buffers allocated and not yet freed.</summary>
    public static long OutstandingBytes => Interlocked.Read(ref s_outstandingBytes);

    /// <summary>The most <see cref="OutstandingBytes"/> has been since the last <see cref="ResetPeak"/>.</summary>
    public static long PeakBytes => Interlocked.Read(ref s_peakBytes);

    /// <summary>Starts a new peak measurement from the current outstanding bytes.</summary>
    public static void ResetPeak() => Interlocked.Exchange(ref s_peakBytes, OutstandingBytes);

    internal static void Allocated(long bytes)
    {
        Interlocked.Increment(ref s_outstanding);
        long now = Interlocked.Add(ref s_outstandingBytes, bytes);
        for (long peak = Interlocked.Read(ref s_peakBytes); now > peak; peak = Interlocked.Read(ref s_peakBytes))
        {
            if (Interlocked.CompareExchange(ref s_peakBytes, now, peak) == peak)
            {
                break;
            }
        }
    }

    internal static void Freed(long bytes)
    {
        Interlocked.Decrement(ref s_outstanding);
        Interlocked.Add(ref s_outstandingBytes, -bytes);
    }
}
