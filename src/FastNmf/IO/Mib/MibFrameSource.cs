using System.Buffers;

namespace FastNmf.IO.Mib;

/// <summary>
/// A Quantum Detectors Merlin acquisition: one or several <c>.mib</c> files of frames, each frame a header
/// (<see cref="MibHeader"/>) followed by its pixels — U08, big-endian U16/U32, or RAW 1/6/12-bit words including the
/// quad chip arrangement (<see cref="MibRawDecoder"/>). Files are ordered by the sequence number of their first frame;
/// the scan grid comes from <see cref="FrameSourceOptions.ScanShape"/>, else the <c>.hdr</c> (<see cref="MibHdr"/>).
/// Frames stream from the files in chunks; every frame's header is checked as it is read (magic, sizes, pixel type,
/// layout, and a sequence number one above the previous frame's), so a corrupt, re-sized or dropped frame is an error
/// naming the file and byte offset, never a shifted scan.
/// </summary>
public sealed class MibFrameSource : FrameSource
{
    private const int ChunkBytes = 4 << 20;

    private readonly MibFile[] _files;
    private readonly MibHeader _layout;

    private MibFrameSource(string path, MibFile[] files, ScanShape scan, string? hdr, string? hdrIgnored)
        : base(path, "mib", files[0].First.Describe(), scan.Rows, scan.Cols, files[0].First.ImageHeight, files[0].First.ImageWidth)
    {
        _files = files;
        _layout = files[0].First;
        SetMetadata("mib_files", files.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        SetMetadata("header_bytes", _layout.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        SetMetadata("pixel_type", _layout.Type.ToString());
        SetMetadata("counter_depth", _layout.CounterDepth.ToString(System.Globalization.CultureInfo.InvariantCulture));
        SetMetadata("sensor_layout", _layout.Layout);
        SetMetadata("first_sequence", files[0].First.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (hdr is not null)
        {
            SetMetadata("hdr", hdr);
        }

        if (hdrIgnored is not null)
        {
            SetMetadata("warning", hdrIgnored);
        }
    }

    /// <summary>Recognises a frame header (<c>MQ1,</c>), a Merlin <c>.hdr</c>, or a directory/pattern of .mib files.</summary>
    public static bool Sniff(ReadOnlySpan<byte> head, string path) =>
        head.StartsWith("MQ1,"u8)
        || (head.StartsWith("HDR"u8) && path.EndsWith(".hdr", StringComparison.OrdinalIgnoreCase))
        || (head.IsEmpty && MibPaths.IsMultiFile(path));

    /// <summary>Opens the acquisition at <paramref name="path"/> (a .mib file, a directory or glob pattern of them, or a .hdr).</summary>
    /// <exception cref="DataFormatException">no files, a malformed or truncated file, files that disagree on the frame layout
    /// or whose sequence numbers overlap or leave a gap, or no scan shape.</exception>
    public static FrameSource Open(string path, FrameSourceOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        (List<string> paths, string? hdr) = MibPaths.Resolve(path);
        var files = new List<MibFile>();
        try
        {
            foreach (string p in paths)
            {
                files.Add(MibFile.Open(p));
            }

            Order(files);
            long total = files.Sum(f => f.Frames);
            // The .hdr only supplies the scan shape: when --scan-shape gives it, a broken .hdr is reported, not fatal.
            ScanShape? stored = null;
            string? hdrIgnored = null;
            if (hdr is not null)
            {
                try
                {
                    stored = MibHdr.Read(hdr).ScanShape();
                }
                catch (DataFormatException e) when (options.ScanShape is not null)
                {
                    hdrIgnored = $"ignored the acquisition header ({e.Message}); the scan shape is --scan-shape's.";
                    hdr = null;
                }
            }

            ScanShape scan = ScanShape.Resolve(path, total, stored, options);
            return new MibFrameSource(path, [.. files], scan, hdr, hdrIgnored);
        }
        catch
        {
            files.ForEach(f => f.Dispose());
            throw;
        }
    }

    // By the first frame's sequence number; every file must continue where the previous one ended and share its layout.
    private static void Order(List<MibFile> files)
    {
        files.Sort((a, b) => a.First.Sequence.CompareTo(b.First.Sequence));
        MibHeader first = files[0].First;
        long next = first.Sequence;
        foreach (MibFile f in files)
        {
            MibHeader h = f.First;
            if (h.Length != first.Length || h.Width != first.Width || h.Height != first.Height || h.Type != first.Type || h.Layout != first.Layout || h.CounterDepth != first.CounterDepth)
            {
                throw new DataFormatException(f.Path, 0,
                    $"frames are {h.Width}×{h.Height} {h.Describe()}, layout {h.Layout}, {h.Length}-byte headers, but {files[0].Path} has {first.Width}×{first.Height} {first.Describe()}, layout {first.Layout}, {first.Length}-byte headers.");
            }

            if (h.Sequence != next)
            {
                throw new DataFormatException(f.Path, 0, next > first.Sequence
                    ? $"first frame has sequence number {h.Sequence}, but the previous file ends at {next - 1}: frames are missing or repeated between files."
                    : $"first frame has sequence number {h.Sequence}, expected {next}.");
            }

            f.StartFrame = next - first.Sequence;
            next += f.Frames;
        }
    }

    /// <inheritdoc/>
    protected override void ReadFramesCore(long first, int count, Span<float> destination)
    {
        long stride = _layout.FrameBytes;
        int perChunk = (int)Math.Clamp(ChunkBytes / stride, 1, count);
        byte[] chunk = ArrayPool<byte>.Shared.Rent((int)(perChunk * stride));
        try
        {
            int done = 0;
            while (done < count)
            {
                long frame = first + done;
                MibFile file = FileOf(frame);
                long local = frame - file.StartFrame;
                int n = (int)Math.Min(Math.Min(perChunk, count - done), file.Frames - local);
                long offset = local * stride;
                Span<byte> bytes = chunk.AsSpan(0, (int)(n * stride));
                file.Bytes.ReadExactly(offset, bytes, $"frames {local}–{local + n - 1}");
                for (int i = 0; i < n; i++)
                {
                    ReadOnlySpan<byte> one = bytes.Slice((int)(i * stride), (int)stride);
                    long at = offset + (i * stride);
                    long sequence = _layout.CheckSameLayout(one, file.Path, at);
                    long expected = file.First.Sequence + local + i;
                    if (sequence != expected)
                    {
                        throw new DataFormatException(file.Path, at + 4,
                            $"frame header has sequence number {sequence}, expected {expected}: a dropped, repeated or re-ordered frame would shift the scan.");
                    }

                    Decode(one[_layout.Length..], destination.Slice((done + i) * FrameLength, FrameLength));
                }

                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private void Decode(ReadOnlySpan<byte> data, Span<float> frame)
    {
        switch (_layout.Type)
        {
            case MibPixelType.U08:
                ElementConversion.ToFloat32(data, frame, NpyDtype.UInt8);
                break;
            case MibPixelType.U16:
            case MibPixelType.U32:
                int size = _layout.Type == MibPixelType.U16 ? 2 : 4;
                byte[] swapped = ArrayPool<byte>.Shared.Rent(data.Length);
                try
                {
                    Span<byte> native = swapped.AsSpan(0, data.Length);
                    data.CopyTo(native);
                    if (BitConverter.IsLittleEndian)
                    {
                        ElementConversion.ReverseEndianness(native, size);
                    }

                    ElementConversion.ToFloat32(native, frame, size == 2 ? NpyDtype.UInt16 : NpyDtype.UInt32);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(swapped);
                }

                break;
            default:
                MibRawDecoder.Decode(data, _layout, frame);
                break;
        }
    }

    private MibFile FileOf(long frame)
    {
        int lo = 0, hi = _files.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (_files[mid].StartFrame <= frame)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return _files[lo];
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (MibFile f in _files)
            {
                f.Dispose();
            }
        }
    }
}
