using System.CommandLine;
using System.Globalization;
using FastNmf.Cli.Output;
using FastNmf.Data;
using FastNmf.IO;
using FastNmf.IO.Preprocessing;

namespace FastNmf.Cli.Commands;

/// <summary>
/// Builds the detector mask of a run as the union of the pixels the input file itself flags (e.g. a DECTRIS
/// pixel_mask) and every mask asked for: a mask file (in the file's detector geometry
/// or the cropped/binned one), the explicit disc (--mask-radius/--mask-centre, in the final detector's pixels), the
/// direct-beam disc found in the mean pattern (--mask-direct-beam auto) and dead/hot pixels (--mask-dead-hot). The last
/// two need one streaming pass over the frames before X is read (with a progress bar).
/// </summary>
internal static class MaskAssembly
{
    /// <summary>The union of the masks asked for, in the final detector's geometry; <paramref name="clipNegative"/> makes
    /// the statistics pass see negative values as the 0 that X will hold.</summary>
    /// <remarks>In a distributed run <paramref name="source"/> is this rank's slab and <paramref name="comm"/> combines
    /// the statistics of every rank's frames (collective), so every rank builds the same mask.</remarks>
    public static (DetectorMask? Mask, MaskInfo Info) Build(ParseResult p, InputOptionSet o, SolverOptionSet solver, FrameSource source, FrameSource raw, bool clipNegative, Distributed.Communicator? comm = null)
    {
        var masked = new bool[source.FrameLength];
        var parts = new List<string>();
        double? radius = null;
        double centreRow = 0, centreCol = 0;

        if (raw.StoredPixelMask is { } stored && stored.Contains(true))
        {
            parts.Add($"the file's own pixel mask ({Or(masked, Through(source, raw, stored))} px)");
        }

        if (p.GetValue(o.Mask) is string file)
        {
            (bool[] m, int rows, int cols) = MaskFile.Load(file);
            bool[] fitted = Fit(m, rows, cols, source, raw, file);
            parts.Add($"file {file} ({Or(masked, fitted)} px)");
        }

        (DetectorMask? disc, MaskInfo discInfo) = solver.BuildMask(p, source.DetRows, source.DetCols);
        if (disc is not null)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"direct-beam disc r = {discInfo.Radius} at ({discInfo.CentreRow}, {discInfo.CentreCol}) ({Or(masked, disc.Masked)} px)"));
            (radius, centreRow, centreCol) = (discInfo.Radius, discInfo.CentreRow, discInfo.CentreCol);
        }

        bool auto = p.GetValue(o.MaskDirectBeam) is not null;
        bool deadHot = p.GetValue(o.MaskDeadHot);
        double threshold = p.GetValue(o.DirectBeamThreshold), hotFactor = p.GetValue(o.HotFactor);
        if (auto || deadHot)
        {
            var progress = new ReadProgress("mean pattern", source.FrameCount, 4L * source.FrameLength);
            DetectorStatistics stats;
            try
            {
                stats = comm is null
                    ? DetectorStatistics.Compute(source, clipNegative, progress)
                    : DistributedRun.Agreed(comm, () => DetectorStatistics.Compute(source, clipNegative, progress)).Combine(comm);
            }
            finally
            {
                progress.Finish();
            }

            try
            {
                // Dead/hot pixels first: they, the file's own mask and a mask file take no part in finding the beam.
                if (deadHot)
                {
                    (bool[] m, int dead, int hot) = DeadHotPixels.Find(stats, hotFactor);
                    Or(masked, m);
                    parts.Add($"dead/hot pixels ({dead} dead, {hot} hot)");
                }

                if (auto)
                {
                    (double cr, double cc, double r) = DirectBeamFinder.Find(stats, threshold, (bool[])masked.Clone());
                    DetectorMask found = DetectorMask.DirectBeam(source.DetRows, source.DetCols, cr, cc, r);
                    int covered = Or(masked, found.Masked);
                    parts.Add(string.Create(CultureInfo.InvariantCulture, $"direct-beam disc found: r = {r} at ({cr:F2}, {cc:F2}) ({covered} px)"));
                    (radius, centreRow, centreCol) = (r, cr, cc);
                    if (covered > 0.1 * source.FrameLength)
                    {
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"fastnmf: warning: the direct-beam disc found covers {100.0 * covered / source.FrameLength:F0} % of the detector (r = {r}); if the patterns have no bright direct beam, give --mask-radius R [--mask-centre ROW,COL] or raise --direct-beam-threshold."));
                    }
                }
            }
            catch (ArgumentException e)
            {
                throw new UsageException(CliErrors.WithoutParameter(e));
            }
        }

        if (parts.Count == 0)
        {
            return (null, MaskInfo.None);
        }

        string kind = string.Join(" + ", parts);
        if (!masked.Contains(false))
        {
            throw new UsageException($"the masks ({kind}) hide all {masked.Length} detector pixels; nothing is left to factorize.");
        }

        var mask = new DetectorMask(masked, source.DetRows, source.DetCols);
        Console.WriteLine($"mask: {kind}; {mask.MaskedCount} of {source.FrameLength} pixels excluded");
        return (mask, new MaskInfo(kind, mask.MaskedCount, radius, centreRow, centreCol, mask));
    }

    // A mask in the final geometry is used as is; one in the file's geometry goes through the same crop and binning.
    private static bool[] Fit(bool[] m, int rows, int cols, FrameSource source, FrameSource raw, string file)
    {
        if (rows == source.DetRows && cols == source.DetCols)
        {
            return m;
        }

        if (rows == raw.DetRows && cols == raw.DetCols)
        {
            return Through(source, raw, m);
        }

        throw new DataFormatException(file, null,
            $"the mask is {rows}×{cols}; the detector is {raw.DetRows}×{raw.DetCols}" + (source == raw ? "." : $" ({source.DetRows}×{source.DetCols} after cropping/binning)."));
    }

    private static bool[] Through(FrameSource s, FrameSource raw, bool[] rawMask) => s switch
    {
        _ when ReferenceEquals(s, raw) => rawMask,
        CroppedFrameSource c => c.CropMask(Through(c.Inner, raw, rawMask)),
        BinnedFrameSource b => b.BinMask(Through(b.Inner, raw, rawMask)),
        _ => throw new InvalidOperationException("unexpected preprocessing chain"),
    };

    private static int Or(bool[] into, ReadOnlySpan<bool> add)
    {
        int count = 0;
        for (int i = 0; i < into.Length; i++)
        {
            into[i] |= add[i];
            count += add[i] ? 1 : 0;
        }

        return count;
    }
}
