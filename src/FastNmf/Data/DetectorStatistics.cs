using System.Buffers;
using FastNmf.IO;

namespace FastNmf.Data;

/// <summary>
/// Per detector pixel, over every frame of a source: the mean value and whether it was ever nonzero. One streaming pass
/// (blocks of a few MiB, sums in double), for the masks that are found from the data itself (<see cref="DirectBeamFinder"/>,
/// <see cref="DeadHotPixels"/>).
/// </summary>
public sealed class DetectorStatistics
{
    private const long BlockBytes = 4 << 20;

    // Per-pixel sums before the division (null for statistics built from a mean): what ranks add up.
    private double[]? _sums;

    private DetectorStatistics(double[] mean, bool[] everNonZero, int detRows, int detCols, long frames)
    {
        Mean = mean;
        EverNonZero = everNonZero;
        DetRows = detRows;
        DetCols = detCols;
        Frames = frames;
    }

    /// <summary>Mean over frames per pixel, row-major.</summary>
    public double[] Mean { get; }

    /// <summary>Whether the pixel was nonzero in at least one frame.</summary>
    public bool[] EverNonZero { get; }

    /// <summary>Detector rows.</summary>
    public int DetRows { get; }

    /// <summary>Detector columns.</summary>
    public int DetCols { get; }

    /// <summary>Frames averaged.</summary>
    public long Frames { get; }

    /// <summary>Reads every frame of <paramref name="source"/> once.</summary>
    /// <param name="source">The frames.</param>
    /// <param name="progress">Receives the number of frames read so far after each block.</param>
    /// <exception cref="DataFormatException">the reader found the file malformed, or a value is not finite.</exception>
    public static DetectorStatistics Compute(FrameSource source, IProgress<long>? progress = null) => Compute(source, clipNegative: false, progress);

    /// <summary>Reads every frame of <paramref name="source"/> once, seeing the values X will hold.</summary>
    /// <param name="source">The frames.</param>
    /// <param name="clipNegative">Count negative values as 0, as <see cref="UnfoldedData.Create(FrameSource, DetectorMask?, bool, IProgress{long}?)"/>
    /// with clipping stores them (so a pixel that is only ever negative is dead, as it is in X); false takes them as they are.</param>
    /// <param name="progress">Receives the number of frames read so far after each block.</param>
    /// <exception cref="DataFormatException">the reader found the file malformed, or a value is not finite.</exception>
    public static DetectorStatistics Compute(FrameSource source, bool clipNegative, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        int n = source.FrameLength;
        var sum = new double[n];
        var nonZero = new bool[n];
        int perBlock = (int)Math.Clamp(BlockBytes / (4L * n), 1, Math.Min(source.FrameCount, int.MaxValue));
        float[] block = ArrayPool<float>.Shared.Rent(perBlock * n);
        try
        {
            for (long first = 0; first < source.FrameCount; first += perBlock)
            {
                int count = (int)Math.Min(perBlock, source.FrameCount - first);
                source.ReadFrames(first, count, block.AsSpan(0, count * n));
                for (int f = 0; f < count; f++)
                {
                    ReadOnlySpan<float> frame = block.AsSpan(f * n, n);
                    for (int p = 0; p < n; p++)
                    {
                        float v = frame[p];
                        if (!float.IsFinite(v))
                        {
                            throw new DataFormatException(source.Path, null, $"element {source.DescribeElement(first + f, p)} is {v}; the data must be finite.");
                        }

                        if (clipNegative && v < 0)
                        {
                            continue;
                        }

                        sum[p] += v;
                        nonZero[p] |= v != 0;
                    }
                }

                progress?.Report(first + count);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(block);
        }

        double[] sums = (double[])sum.Clone();
        for (int p = 0; p < n; p++)
        {
            sum[p] /= source.FrameCount;
        }

        return new DetectorStatistics(sum, nonZero, source.DetRows, source.DetCols, source.FrameCount) { _sums = sums };
    }

    /// <summary>Statistics from a mean pattern given directly (a pixel counts as ever nonzero when its mean is).</summary>
    public static DetectorStatistics FromMean(double[] mean, int detRows, int detCols, long frames)
    {
        ArgumentNullException.ThrowIfNull(mean);
        if (mean.Length != detRows * detCols)
        {
            throw new ArgumentException($"a {detRows}×{detCols} mean pattern needs {detRows * detCols} values, got {mean.Length}.", nameof(mean));
        }

        return new DetectorStatistics((double[])mean.Clone(), mean.Select(m => m != 0).ToArray(), detRows, detCols, frames);
    }

    /// <summary>
    /// The statistics of every rank's frames together (collective): each rank's per-pixel sums added and its nonzero flags
    /// combined. For counted data the sums are integers, exact in double, so the masks found from them are those of one
    /// process reading every frame; for real-valued data they agree to double rounding.
    /// </summary>
    public DetectorStatistics Combine(Distributed.Communicator comm)
    {
        ArgumentNullException.ThrowIfNull(comm);
        if (comm.Size == 1)
        {
            return this;
        }

        int n = Mean.Length;
        var sums = new double[n + 1];
        var flags = new double[n];
        for (int p = 0; p < n; p++)
        {
            sums[p] = _sums?[p] ?? Mean[p] * Frames;
            flags[p] = EverNonZero[p] ? 1 : 0;
        }

        sums[n] = Frames;
        comm.AllreduceSum(sums);
        comm.AllreduceMax(flags);
        long frames = (long)sums[n];
        var mean = new double[n];
        for (int p = 0; p < n; p++)
        {
            mean[p] = sums[p] / frames;
        }

        return new DetectorStatistics(mean, flags.Select(f => f != 0).ToArray(), DetRows, DetCols, frames) { _sums = sums[..n] };
    }
}
