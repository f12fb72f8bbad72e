namespace FastNmf.Live;

/// <summary>How a live feed ended.</summary>
public enum LiveEnd
{
    /// <summary>Every scan position's frame arrived (or was counted lost by the stream) and the acquisition ended.</summary>
    Complete,

    /// <summary>The source ended before the scan's last frame: the rest is marked lost.</summary>
    EndedEarly,

    /// <summary>The stream failed (corrupt bytes, a frame of another size, a timeout): the frames before are kept.</summary>
    Failed,

    /// <summary>Stopped by the caller (Ctrl+C).</summary>
    Cancelled,
}
