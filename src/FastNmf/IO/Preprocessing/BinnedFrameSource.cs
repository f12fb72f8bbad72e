using System.Buffers;

namespace FastNmf.IO.Preprocessing;

/// <summary>
/// Another source binned by integer factors: each output frame is the <b>sum</b> of a <c>scan × scan</c> block of
/// frames, each output pixel the sum of a <c>detector × detector</c> block of pixels. Sums, not means: counted electrons
/// stay integer counts (so uint16 and sparse storage still apply and Poisson statistics are kept), and the sums are
/// formed in double and rounded to float32 once. Rows and columns that do not fill a whole block at the end of an axis
/// are dropped (as NumPy reshape-binning of a cropped array would), and <see cref="FrameSource.Metadata"/> records how
/// many. Frames still stream: one output scan row's blocks are read as runs of contiguous inner frames.
/// </summary>
public sealed class BinnedFrameSource : FrameSource
{
    private const long RunBytes = 4 << 20;

    private readonly FrameSource _inner;
    private readonly int _scan;
    private readonly int _det;

    /// <summary>Bins <paramref name="inner"/> (taking ownership of it) by <paramref name="scanFactor"/> over the scan and <paramref name="detectorFactor"/> over the detector.</summary>
    /// <exception cref="ArgumentOutOfRangeException">a factor below 1, or larger than the axis it bins.</exception>
    public BinnedFrameSource(FrameSource inner, int scanFactor, int detectorFactor)
        : base(inner?.Path!, inner!.Format, inner.SourceDtype,
            Binned(inner.ScanRows, scanFactor, "scan rows"), Binned(inner.ScanCols, scanFactor, "scan columns"),
            Binned(inner.DetRows, detectorFactor, "detector rows"), Binned(inner.DetCols, detectorFactor, "detector columns"))
    {
        _inner = inner;
        _scan = scanFactor;
        _det = detectorFactor;
        foreach ((string key, string value) in inner.Metadata)
        {
            SetMetadata(key, value);
        }

        SetMetadata("bin", $"scan {scanFactor} (dropped {inner.ScanRows % scanFactor} row(s), {inner.ScanCols % scanFactor} column(s)), detector {detectorFactor} (dropped {inner.DetRows % detectorFactor} row(s), {inner.DetCols % detectorFactor} column(s)); sums");
    }

    /// <summary>The source this one bins.</summary>
    public FrameSource Inner => _inner;

    /// <summary>Scan binning factor.</summary>
    public int ScanFactor => _scan;

    /// <summary>Detector binning factor.</summary>
    public int DetectorFactor => _det;

    /// <summary>A detector mask of the inner source binned to this detector: a binned pixel is masked when any of its pixels is.</summary>
    public bool[] BinMask(ReadOnlySpan<bool> innerMask)
    {
        var mask = new bool[FrameLength];
        for (int r = 0; r < DetRows * _det; r++)
        {
            for (int c = 0; c < DetCols * _det; c++)
            {
                mask[((r / _det) * DetCols) + (c / _det)] |= innerMask[(r * _inner.DetCols) + c];
            }
        }

        return mask;
    }

    /// <inheritdoc/>
    public override bool ReadsRangesInPlace => Inner.ReadsRangesInPlace;

    /// <inheritdoc/>
    protected override void ReadFramesCore(long first, int count, Span<float> destination)
    {
        int innerLength = _inner.FrameLength;
        // Output frames per run: their scan × (scan · n) inner frames fit in a few MiB.
        int perRun = (int)Math.Clamp(RunBytes / (4L * innerLength * _scan * _scan), 1, count);
        float[] staging = ArrayPool<float>.Shared.Rent(perRun * _scan * innerLength);
        double[] sums = ArrayPool<double>.Shared.Rent(perRun * FrameLength);
        try
        {
            for (int done = 0; done < count;)
            {
                long frame = first + done;
                long row = frame / ScanCols, col = frame % ScanCols;
                int n = (int)Math.Min(Math.Min(count - done, ScanCols - col), perRun);
                Span<double> acc = sums.AsSpan(0, n * FrameLength);
                acc.Clear();
                for (int i = 0; i < _scan; i++)
                {
                    // Inner scan row row·s + i, columns col·s … (col + n)·s − 1: one contiguous run.
                    long innerFirst = (((row * _scan) + i) * _inner.ScanCols) + (col * _scan);
                    Span<float> run = staging.AsSpan(0, n * _scan * innerLength);
                    _inner.ReadFrames(innerFirst, n * _scan, run);
                    for (int f = 0; f < n * _scan; f++)
                    {
                        AddBinned(run.Slice(f * innerLength, innerLength), acc.Slice(f / _scan * FrameLength, FrameLength));
                    }
                }

                Span<float> target = destination.Slice(done * FrameLength, n * FrameLength);
                for (int v = 0; v < target.Length; v++)
                {
                    target[v] = (float)acc[v];
                }

                done += n;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(staging);
            ArrayPool<double>.Shared.Return(sums);
        }
    }

    // Adds one inner frame's detector blocks into an output frame's sums (remainder rows and columns skipped).
    private void AddBinned(ReadOnlySpan<float> frame, Span<double> sums)
    {
        for (int r = 0; r < DetRows * _det; r++)
        {
            ReadOnlySpan<float> line = frame.Slice(r * _inner.DetCols, DetCols * _det);
            Span<double> outLine = sums.Slice(r / _det * DetCols, DetCols);
            for (int c = 0; c < line.Length; c++)
            {
                outLine[c / _det] += line[c];
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

    private static int Binned(int length, int factor, string what) =>
        factor >= 1 && factor <= length
            ? length / factor
            : throw new ArgumentOutOfRangeException(nameof(factor), factor, $"binning {length} {what} by {factor} leaves nothing (the factor must be between 1 and {length}).");
}
