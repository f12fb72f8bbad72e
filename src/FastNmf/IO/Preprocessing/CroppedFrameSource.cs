using System.Buffers;

namespace FastNmf.IO.Preprocessing;

/// <summary>
/// A window of another source: a rectangle of the scan (<see cref="CropWindow"/> over scan rows and columns) and/or of
/// the detector. Frames still stream: the frames of one cropped scan row are contiguous in the inner source and are read
/// as one run; a detector window is copied out of each inner frame.
/// </summary>
public sealed class CroppedFrameSource : FrameSource
{
    // Inner frames read per run, in bytes of float32: the same few MiB the unfolding reads at a time.
    private const long RunBytes = 4 << 20;

    private readonly FrameSource _inner;
    private readonly CropWindow _scan;
    private readonly CropWindow _detector;

    /// <summary>Crops <paramref name="inner"/>; a null window keeps that axis pair whole. Takes ownership of <paramref name="inner"/>.</summary>
    public CroppedFrameSource(FrameSource inner, CropWindow? scan, CropWindow? detector)
        : base(inner?.Path!, inner!.Format, inner.SourceDtype,
            (scan ?? Whole(inner.ScanRows, inner.ScanCols)).Rows, (scan ?? Whole(inner.ScanRows, inner.ScanCols)).Cols,
            (detector ?? Whole(inner.DetRows, inner.DetCols)).Rows, (detector ?? Whole(inner.DetRows, inner.DetCols)).Cols)
    {
        _inner = inner;
        _scan = scan ?? Whole(inner.ScanRows, inner.ScanCols);
        _detector = detector ?? Whole(inner.DetRows, inner.DetCols);
        Check(_scan, inner.ScanRows, inner.ScanCols, "scan");
        Check(_detector, inner.DetRows, inner.DetCols, "detector");
        foreach ((string key, string value) in inner.Metadata)
        {
            SetMetadata(key, value);
        }

        SetMetadata("crop_scan", _scan.ToString());
        SetMetadata("crop_detector", _detector.ToString());
    }

    /// <summary>The source this one crops.</summary>
    public FrameSource Inner => _inner;

    /// <summary>A detector mask of the inner source cropped to this source's detector.</summary>
    public bool[] CropMask(ReadOnlySpan<bool> innerMask)
    {
        var mask = new bool[FrameLength];
        for (int r = 0; r < DetRows; r++)
        {
            innerMask.Slice(((_detector.Row + r) * _inner.DetCols) + _detector.Col, DetCols).CopyTo(mask.AsSpan(r * DetCols, DetCols));
        }

        return mask;
    }

    /// <inheritdoc/>
    public override string DescribeElement(long frame, int pixel)
    {
        long innerFrame = ((_scan.Row + (frame / ScanCols)) * _inner.ScanCols) + _scan.Col + (frame % ScanCols);
        int innerPixel = ((_detector.Row + (pixel / DetCols)) * _inner.DetCols) + _detector.Col + (pixel % DetCols);
        return _inner.DescribeElement(innerFrame, innerPixel);
    }

    /// <inheritdoc/>
    public override bool ReadsRangesInPlace => Inner.ReadsRangesInPlace;

    /// <inheritdoc/>
    protected override void ReadFramesCore(long first, int count, Span<float> destination)
    {
        bool wholeFrames = _detector.Rows == _inner.DetRows && _detector.Cols == _inner.DetCols;
        int perRun = (int)Math.Clamp(RunBytes / (4L * _inner.FrameLength), 1, count);
        float[]? staging = wholeFrames ? null : ArrayPool<float>.Shared.Rent(perRun * _inner.FrameLength);
        try
        {
            for (int done = 0; done < count;)
            {
                long frame = first + done;
                long row = frame / ScanCols, col = frame % ScanCols;
                // The rest of this cropped scan row is one contiguous run of inner frames.
                int n = (int)Math.Min(Math.Min(count - done, ScanCols - col), perRun);
                long innerFirst = ((_scan.Row + row) * _inner.ScanCols) + _scan.Col + col;
                Span<float> target = destination.Slice(done * FrameLength, n * FrameLength);
                if (staging is null)
                {
                    _inner.ReadFrames(innerFirst, n, target);
                }
                else
                {
                    Span<float> innerFrames = staging.AsSpan(0, n * _inner.FrameLength);
                    _inner.ReadFrames(innerFirst, n, innerFrames);
                    for (int f = 0; f < n; f++)
                    {
                        ReadOnlySpan<float> source = innerFrames.Slice(f * _inner.FrameLength, _inner.FrameLength);
                        for (int r = 0; r < DetRows; r++)
                        {
                            source.Slice(((_detector.Row + r) * _inner.DetCols) + _detector.Col, DetCols)
                                .CopyTo(target.Slice((f * FrameLength) + (r * DetCols), DetCols));
                        }
                    }
                }

                done += n;
            }
        }
        finally
        {
            if (staging is not null)
            {
                ArrayPool<float>.Shared.Return(staging);
            }
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }
    }

    private static CropWindow Whole(int rows, int cols) => new(0, 0, rows, cols);

    private static void Check(CropWindow w, int rows, int cols, string what)
    {
        if (w.Row < 0 || w.Col < 0 || w.Rows < 1 || w.Cols < 1 || w.Row + w.Rows > rows || w.Col + w.Cols > cols)
        {
            throw new ArgumentOutOfRangeException(nameof(w), w, $"{what} window {w} does not lie within the {rows}×{cols} {what}.");
        }
    }
}
