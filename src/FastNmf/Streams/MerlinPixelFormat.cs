namespace FastNmf.Streams;

/// <summary>How a Merlin sends pixels: the frame header's pixel type and, for RAW, the counter depth.</summary>
public enum MerlinPixelFormat
{
    /// <summary>8-bit counts (also how 1- and 6-bit counters are sent unpacked).</summary>
    U08,

    /// <summary>16-bit big-endian counts (12-bit counters).</summary>
    U16,

    /// <summary>32-bit big-endian counts (24-bit counters).</summary>
    U32,

    /// <summary>RAW (R64) 1-bit: 64 pixels per 64-bit word.</summary>
    Raw1,

    /// <summary>RAW (R64) 6-bit: 8 pixels per word, one per byte.</summary>
    Raw6,

    /// <summary>RAW (R64) 12-bit: 4 pixels per word, 16 bits each.</summary>
    Raw12,
}
