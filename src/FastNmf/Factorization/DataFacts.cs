using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.IO;

namespace FastNmf;

/// <summary>
/// What the run plan needs to know about X: its shape, the fraction of zeros, whether every value is a count, and
/// whether X can be the input file itself (memory-mapped). <see cref="Sample"/> estimates them from a few frames before
/// anything is read; <see cref="Of(UnfoldedData, XStatistics?)"/> takes them from X's statistics once it is.
/// </summary>
/// <param name="KeptPixels">n_uv.</param>
/// <param name="Frames">Frames held here (all of them in one process; in a distributed run the largest slab's, so every
/// rank plans the same batch and storage).</param>
/// <param name="ZeroFraction">Fraction of zero values.</param>
/// <param name="IsCounts">Every value an integer in [0, 65 535].</param>
/// <param name="Mappable">A plain little-endian uint16 <c>.npy</c> with nothing masked: X can be the file itself.</param>
/// <param name="Exact">From X's statistics (true) or a sample (false).</param>
/// <param name="HeldAs">How X is already held, once it is read (null before).</param>
public sealed record DataFacts(int KeptPixels, long Frames, double ZeroFraction, bool IsCounts, bool Mappable, bool Exact, XReadMode? HeldAs = null)
{
    /// <summary>The scan's rows (for the plan of a coarse stage, <see cref="NmfOptions.CoarseScan"/>), or null.</summary>
    public int? ScanRows { get; init; }

    /// <summary>The scan's columns, or null.</summary>
    public int? ScanCols { get; init; }

    /// <summary>The facts of the scan binned <paramref name="factor"/> × <paramref name="factor"/> in memory: a quarter of
    /// the frames at 2, each value a sum of factor² (zero only when all are: the zero fraction to the power factor²,
    /// exact for independent Poisson counts of one rate), held as uint16 counts (float32 otherwise).</summary>
    public DataFacts Binned(int factor)
    {
        int rows = (ScanRows ?? throw new InvalidOperationException("the scan's shape is not known")) / factor;
        int cols = (ScanCols ?? throw new InvalidOperationException("the scan's shape is not known")) / factor;
        return this with
        {
            Frames = (long)rows * cols,
            ScanRows = rows,
            ScanCols = cols,
            ZeroFraction = Math.Pow(ZeroFraction, factor * factor),
            Mappable = false,
            HeldAs = IsCounts ? XReadMode.Counts : XReadMode.Float32,
        };
    }

    /// <summary>Frames a sample reads, spread evenly over the scan.</summary>
    public const int SampleFrames = 64;

    /// <summary>The facts of X as read (its whole-scan statistics: identical on every rank).</summary>
    public static DataFacts Of(UnfoldedData x, XStatistics? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        XStatistics s = statistics ?? x.Statistics;
        XReadMode held = x.IsMapped ? XReadMode.CountsMapped : x.IsUInt16 ? XReadMode.Counts : XReadMode.Float32;
        return new DataFacts(x.NUv, x.NXy, s.ZeroFraction, s.IsCounts, x.IsMapped, Exact: true, held) { ScanRows = x.ScanRows, ScanCols = x.ScanCols };
    }

    /// <summary>The facts of X held by the ranks of <paramref name="comm"/>, each with its slab: the whole-scan
    /// statistics and the largest slab's frame count (collective), so the plan — restarts per pass, storage, the lengths
    /// of every reduction — is the same on every rank.</summary>
    public static DataFacts Of(UnfoldedData x, XStatistics statistics, Communicator comm)
    {
        ArgumentNullException.ThrowIfNull(comm);
        DataFacts facts = Of(x, statistics);
        if (comm.Size == 1)
        {
            return facts;
        }

        Span<double> largest = [facts.Frames];
        comm.AllreduceMax(largest);
        return facts with { Frames = (long)largest[0] };
    }

    /// <summary>An estimate from <see cref="SampleFrames"/> frames of <paramref name="source"/> spread over the scan,
    /// with the pixels <paramref name="pixels"/> keeps (reads a few frames; the rest of the file is untouched).</summary>
    public static DataFacts Sample(FrameSource source, PixelMap pixels)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(pixels);
        long n = source.FrameCount;
        int count = (int)Math.Min(SampleFrames, n);
        var frame = new float[source.FrameLength];
        long zeros = 0, values = 0;
        bool counts = true;
        ReadOnlySpan<int> kept = pixels.KeptPixels;
        for (int i = 0; i < count; i++)
        {
            long j = count == 1 ? 0 : i * (n - 1) / (count - 1);
            source.ReadFrames(j, 1, frame);
            foreach (int p in kept)
            {
                float v = frame[p];
                zeros += v == 0 ? 1 : 0;
                counts &= v >= 0 && v <= ushort.MaxValue && v == MathF.Floor(v);
            }

            values += kept.Length;
        }

        bool mappable = pixels.KeepsAll && source is NpyFrameSource { CanMapCounts: true };
        return new DataFacts(pixels.KeptCount, n, values == 0 ? 0 : (double)zeros / values, counts || mappable, mappable, Exact: false)
        {
            ScanRows = source.ScanRows,
            ScanCols = source.ScanCols,
        };
    }
}
