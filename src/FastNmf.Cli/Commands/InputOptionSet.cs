using System.CommandLine;
using System.Globalization;
using FastNmf.Data;
using FastNmf.IO;

namespace FastNmf.Cli.Commands;

/// <summary>
/// The options of every verb that reads a 4D-STEM file: the format (<c>--format</c>, detected by default) and the scan
/// shape where the file does not carry it (<c>--scan-shape</c>); preprocessing on the way in (cropping, binning); the
/// masks found from files or from the data; and <c>--dry-run</c>. Shared so every such verb reads input the same way
/// (<see cref="InputPipeline"/>).
/// </summary>
internal sealed class InputOptionSet
{
    public Option<string?> Format { get; } = new("--format")
    {
        Description = $"Input format (default: detected from the file's content, then its extension): {string.Join(" | ", FrameFormats.Names)}.",
    };

    public Option<string?> ScanShape { get; } = new("--scan-shape")
    {
        Description = "Scan grid ROWSxCOLS (e.g. 36x36) for files that do not record it (3-D stacks, .mib without .hdr, EMPAD .raw without .xml); "
            + "for files that do, it must hold the same number of frames and re-grids them.",
    };

    public Option<string?> CropScan { get; } = new("--crop-scan") { Description = "Keep scan rows ROW0:ROW1 and columns COL0:COL1 (half-open, like NumPy; e.g. 0:128,64:192)." };

    public Option<string?> CropDetector { get; } = new("--crop-detector") { Description = "Keep detector rows ROW0:ROW1 and columns COL0:COL1 (applied before binning)." };

    public Option<int> BinScan { get; } = new("--bin-scan") { Description = "Sum N×N blocks of scan positions (counts stay counts); rows/columns left over at the end are dropped.", DefaultValueFactory = _ => 1 };

    public Option<int> BinDetector { get; } = new("--bin-detector") { Description = "Sum N×N blocks of detector pixels; rows/columns left over are dropped.", DefaultValueFactory = _ => 1 };

    public Option<string?> Mask { get; } = new("--mask") { Description = "Detector mask file: 2-D .npy or .png, nonzero / not black = excluded; in the detector's own geometry or the cropped/binned one." };

    public Option<string?> MaskDirectBeam { get; } = new("--mask-direct-beam") { Description = "auto: mask the direct-beam disc found in the mean pattern (centre of mass of the pixels above the threshold, radius where the radial mean falls below it)." };

    public Option<double> DirectBeamThreshold { get; } = new("--direct-beam-threshold") { Description = "Threshold of --mask-direct-beam auto, as a fraction of the mean pattern's peak.", DefaultValueFactory = _ => DirectBeamFinder.DefaultThreshold };

    public Option<bool> MaskDeadHot { get; } = new("--mask-dead-hot") { Description = "Mask pixels that are zero in every frame, and hot pixels: mean above --hot-factor × the larger of its neighbours' median and the detector's median." };

    public Option<double> HotFactor { get; } = new("--hot-factor") { Description = "Factor of --mask-dead-hot.", DefaultValueFactory = _ => DeadHotPixels.DefaultHotFactor };

    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Open the input, print the memory the run would take and what is available, and stop before reading any frame." };

    /// <summary>Adds the options to <paramref name="command"/>; <c>--dry-run</c> only for verbs that plan a factorization's memory.</summary>
    public void AddTo(Command command, bool withDryRun = true)
    {
        Format.AcceptOnlyFromAmong([.. FrameFormats.Names]);
        MaskDirectBeam.AcceptOnlyFromAmong("auto");
        foreach (Option o in new Option[] { Format, ScanShape, CropScan, CropDetector, BinScan, BinDetector, Mask, MaskDirectBeam, DirectBeamThreshold, MaskDeadHot, HotFactor })
        {
            command.Options.Add(o);
        }

        if (withDryRun)
        {
            command.Options.Add(DryRun);
        }
    }

    /// <summary>The reader options these flags give; every value is checked here, before the file is opened (the
    /// mask options' streaming pass can take minutes on a large file).</summary>
    /// <exception cref="UsageException">--scan-shape is not ROWSxCOLS, or a mask option's value is out of range.</exception>
    public FrameSourceOptions Build(ParseResult p)
    {
        double threshold = p.GetValue(DirectBeamThreshold), hotFactor = p.GetValue(HotFactor);
        if (!(threshold > 0 && threshold < 1))
        {
            throw new UsageException($"--direct-beam-threshold {threshold.ToString(CultureInfo.InvariantCulture)}: a fraction of the mean pattern's peak, between 0 and 1 (exclusive).");
        }

        if (!(hotFactor > 1 && double.IsFinite(hotFactor)))
        {
            throw new UsageException($"--hot-factor {hotFactor.ToString(CultureInfo.InvariantCulture)}: must be a finite number above 1.");
        }

        string? scan = p.GetValue(ScanShape);
        ScanShape? shape = null;
        if (scan is not null)
        {
            try
            {
                shape = IO.ScanShape.Parse(scan);
            }
            catch (FormatException e)
            {
                throw new UsageException($"--scan-shape: {e.Message}");
            }
        }

        return new FrameSourceOptions { Format = p.GetValue(Format), ScanShape = shape };
    }

    /// <summary>Whether any mask option is given (a mapped uint16 X needs every pixel kept).</summary>
    public bool AnyMask(ParseResult p) => p.GetValue(Mask) is not null || p.GetValue(MaskDirectBeam) is not null || p.GetValue(MaskDeadHot);
}
