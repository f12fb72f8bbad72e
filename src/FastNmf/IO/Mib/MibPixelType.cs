namespace FastNmf.IO.Mib;

/// <summary>The pixel depth field of a Merlin frame header (field 6).</summary>
internal enum MibPixelType
{
    /// <summary><c>U08</c>: one unsigned byte per pixel (1-bit and 6-bit counters).</summary>
    U08,

    /// <summary><c>U16</c>: big-endian uint16 per pixel (12-bit counters).</summary>
    U16,

    /// <summary><c>U32</c>: big-endian uint32 per pixel (24-bit counters).</summary>
    U32,

    /// <summary><c>R64</c>: RAW mode, the counters as read out, packed into 64-bit words (see <see cref="MibRawDecoder"/>).</summary>
    R64,
}
