namespace FastNmf.IO;

/// <summary>
/// One data set whose frames are stored in several sources one after the other (an acquisition split over files), read
/// as one: frame <c>f</c> is frame <c>f − start</c> of the part that holds it, and a block of frames that spans parts is
/// read from each in turn. The parts are owned: disposing the joined source disposes them.
/// </summary>
public sealed class JoinedFrameSource : FrameSource
{
    private readonly FrameSource[] _parts;
    private readonly long[] _starts;

    private JoinedFrameSource(string path, string format, FrameSource[] parts, long[] starts, ScanShape scan, (bool[] Mask, string Origin)? storedMask)
        : base(path, format, parts[0].SourceDtype, scan.Rows, scan.Cols, parts[0].DetRows, parts[0].DetCols)
    {
        _parts = parts;
        _starts = starts;
        if (storedMask is { } m)
        {
            SetStoredPixelMask(m.Mask, m.Origin);
        }

        foreach ((string key, string value) in parts[0].Metadata)
        {
            SetMetadata(key, value);
        }

        SetMetadata("parts", parts.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        SetMetadata("part_paths", string.Join(";", parts.Select(p => p.Path)));
    }

    /// <summary>The sources in frame order.</summary>
    public IReadOnlyList<FrameSource> Parts => _parts;

    /// <summary>
    /// Joins <paramref name="parts"/> (in frame order) into one data set on the grid <paramref name="scanShape"/> gives. On success the
    /// parts belong to the result; on failure they are left to the caller.
    /// </summary>
    /// <param name="path">The file the user named (e.g. the master file), used in every message.</param>
    /// <param name="format">Format name reported for the whole.</param>
    /// <param name="parts">At least one source; all with the same frame shape and element type.</param>
    /// <param name="scanShape">Resolves the scan grid from the total frame count (e.g. <see cref="ScanShape.Resolve"/>).</param>
    /// <param name="storedMask">Pixels the acquisition's metadata flags as unusable (see <see cref="FrameSource.StoredPixelMask"/>),
    /// with where it came from for messages; null if none.</param>
    /// <exception cref="DataFormatException">no parts, or parts that disagree on the frame shape or element type
    /// (naming the first that differs), a scan grid the total does not fill, or a stored mask of another frame size.</exception>
    public static JoinedFrameSource Create(string path, string format, IReadOnlyList<FrameSource> parts, Func<long, ScanShape> scanShape,
        (bool[] Mask, string Origin)? storedMask = null)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(scanShape);
        if (parts.Count == 0)
        {
            throw new DataFormatException(path, null, "no parts to join.");
        }

        FrameSource first = parts[0];
        var starts = new long[parts.Count + 1];
        for (int i = 0; i < parts.Count; i++)
        {
            FrameSource p = parts[i];
            if (p.DetRows != first.DetRows || p.DetCols != first.DetCols || p.SourceDtype != first.SourceDtype)
            {
                throw new DataFormatException(p.Path, null,
                    $"frames of {p.DetRows}×{p.DetCols} {p.SourceDtype}, but {first.Path} has {first.DetRows}×{first.DetCols} {first.SourceDtype}: the parts of {path} do not belong together.");
            }

            starts[i + 1] = starts[i] + p.FrameCount;
        }

        return new JoinedFrameSource(path, format, [.. parts], starts, scanShape(starts[^1]), storedMask);
    }

    /// <inheritdoc/>
    protected override void ReadFramesCore(long first, int count, Span<float> destination)
    {
        int part = Array.BinarySearch(_starts, first);
        part = part >= 0 ? part : ~part - 1;
        int done = 0;
        while (done < count)
        {
            while (_starts[part + 1] <= first + done)
            {
                part++;
            }

            long local = first + done - _starts[part];
            int take = (int)Math.Min(count - done, _starts[part + 1] - (first + done));
            _parts[part].ReadFrames(local, take, destination.Slice(done * FrameLength, take * FrameLength));
            done += take;
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (FrameSource p in _parts)
            {
                p.Dispose();
            }
        }
    }
}
