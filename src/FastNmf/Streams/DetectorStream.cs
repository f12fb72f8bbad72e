namespace FastNmf.Streams;

/// <summary>
/// Frames as a detector sends them during an acquisition: each with its 0-based index in the acquisition (which the
/// scan turns into a position), read in runs of consecutive indices. A gap between runs is frames the detector counted
/// but the stream lost; the reader says so (the returned run starts past it) and never renumbers, so the scan cannot
/// shift. Reads block until frames arrive, the acquisition ends (0 frames), or the stream fails with one
/// <see cref="IO.DataFormatException"/> naming its origin and byte offset.
/// </summary>
public abstract class DetectorStream : IDisposable
{
    /// <summary>Where the frames come from, for messages: e.g. <c>merlin 127.0.0.1:6342</c>.</summary>
    public abstract string Origin { get; }

    /// <summary>Detector rows of every frame (known once <see cref="Open"/> returned).</summary>
    public abstract int DetRows { get; }

    /// <summary>Detector columns of every frame.</summary>
    public abstract int DetCols { get; }

    /// <summary>Pixels per frame.</summary>
    public int FrameLength => DetRows * DetCols;

    /// <summary>Whether every pixel value fits uint16 (read frames with <see cref="Read(Span{ushort}, Span{long}, out long)"/>);
    /// otherwise read float32.</summary>
    public abstract bool FitsUInt16 { get; }

    /// <summary>Frames the acquisition announced, or 0 when it did not say (continuous mode).</summary>
    public abstract long FramesAnnounced { get; }

    /// <summary>The scan grid the acquisition announced (rows, cols), or null.</summary>
    public abstract (int Rows, int Cols)? ScanAnnounced { get; }

    /// <summary>A description of the frames, e.g. <c>256×256 uint16 big-endian (U16)</c>.</summary>
    public abstract string Describe();

    /// <summary>How long a read waits for data before <see cref="TimeoutException"/>: e.g. long for the start of an
    /// acquisition, short mid-scan.</summary>
    public abstract TimeSpan ReadTimeout { get; set; }

    /// <summary>Bytes received so far (headers and pixels).</summary>
    public abstract long BytesReceived { get; }

    /// <summary>Waits for the acquisition's start (its header and first frame) and learns the frame layout.</summary>
    /// <exception cref="IO.DataFormatException">the stream ended or failed before a first frame.</exception>
    /// <exception cref="TimeoutException">nothing arrived within the stream's timeout.</exception>
    public abstract void Open();

    /// <summary>Reads the next run of consecutive frames into <paramref name="frames"/> (whole frames, as many as fit
    /// and have arrived, or arrive without a gap), returning their number and the index of the first; 0 at the end of
    /// the acquisition.</summary>
    /// <param name="frames">Room for whole frames.</param>
    /// <param name="arrivals">For each frame read, the <see cref="System.Diagnostics.Stopwatch"/> timestamp at which its
    /// last byte was in (latency is measured from it); empty to skip.</param>
    /// <param name="firstIndex">The acquisition index of the first frame read.</param>
    public abstract int Read(Span<ushort> frames, Span<long> arrivals, out long firstIndex);

    /// <summary>Reads the next run as float32.</summary>
    /// <inheritdoc cref="Read(Span{ushort}, Span{long}, out long)"/>
    public abstract int Read(Span<float> frames, Span<long> arrivals, out long firstIndex);

    /// <summary>Closes the connection.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the stream holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
