namespace FastNmf.IO.Mib;

/// <summary>One <c>.mib</c> file of an acquisition: its first frame header, how many frames it holds, where it starts in the acquisition.</summary>
internal sealed class MibFile : IDisposable
{
    private MibFile(FileByteSource bytes, MibHeader first, long frames)
    {
        Bytes = bytes;
        First = first;
        Frames = frames;
    }

    public FileByteSource Bytes { get; }

    public string Path => Bytes.Path;

    /// <summary>The first frame's header; every later frame must match its layout.</summary>
    public MibHeader First { get; }

    /// <summary>Frames in this file: its length divided by the frame stride.</summary>
    public long Frames { get; }

    /// <summary>Index of this file's first frame in the acquisition (set once the files are ordered).</summary>
    public long StartFrame { get; set; }

    /// <summary>Opens <paramref name="path"/> and checks that it is a whole number of frames.</summary>
    /// <exception cref="DataFormatException">missing, shorter than a header, a malformed first header, or a length that is
    /// not a multiple of the frame stride (a truncated last frame, or header sizes that lie).</exception>
    public static MibFile Open(string path)
    {
        return FileByteSource.OpenWith(path, bytes =>
        {
            if (bytes.Length < MibHeader.MinimumLength)
            {
                throw new DataFormatException(path, bytes.Length, $"truncated: {bytes.Length} bytes, shorter than one {MibHeader.MinimumLength}-byte Merlin frame header.");
            }

            var head = new byte[(int)Math.Min(bytes.Length, 768)];
            bytes.ReadExactly(0, head, "the first frame header");
            MibHeader first = MibHeader.Parse(head, path, 0);
            long stride = first.FrameBytes;
            long frames = bytes.Length / stride;
            long extra = bytes.Length % stride;
            if (frames == 0 || extra != 0)
            {
                throw new DataFormatException(path, frames * stride,
                    $"{bytes.Length} bytes is not a whole number of frames of {stride} bytes (header {first.Length} + {first.Width}×{first.Height} {first.Describe()} data {first.DataBytes}): "
                    + $"{frames} frame(s) and {extra} bytes over — a truncated last frame, or header fields that do not describe the data.");
            }

            return new MibFile(bytes, first, frames);
        });
    }

    public void Dispose() => Bytes.Dispose();
}
