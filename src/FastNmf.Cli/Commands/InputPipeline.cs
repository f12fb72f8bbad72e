using System.CommandLine;
using FastNmf.IO;
using FastNmf.IO.Preprocessing;

namespace FastNmf.Cli.Commands;

/// <summary>
/// Opens the input the way every verb does: the registry (<see cref="FrameFormats"/>) with --format/--scan-shape, then
/// the preprocessing decorators — detector and scan crop first, then binning — so the result still streams.
/// </summary>
internal static class InputPipeline
{
    /// <summary>The preprocessed source, and the source as the file gives it (for masks in the file's geometry).</summary>
    public static (FrameSource Source, FrameSource Raw) Open(string path, InputOptionSet o, ParseResult p)
    {
        FrameSource raw = InputLoader.Open(path, o.Build(p));
        FrameSource source = raw;
        try
        {
            CropWindow? scan = Window(p.GetValue(o.CropScan), "--crop-scan", source.ScanRows, source.ScanCols);
            CropWindow? detector = Window(p.GetValue(o.CropDetector), "--crop-detector", source.DetRows, source.DetCols);
            if (scan is not null || detector is not null)
            {
                source = new CroppedFrameSource(source, scan, detector);
                Console.WriteLine($"cropped: scan {scan?.ToString() ?? "whole"}, detector {detector?.ToString() ?? "whole"} → {Describe(source)}");
            }

            int binScan = p.GetValue(o.BinScan), binDetector = p.GetValue(o.BinDetector);
            if (binScan != 1 || binDetector != 1)
            {
                try
                {
                    var binned = new BinnedFrameSource(source, binScan, binDetector);
                    source = binned;
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw new UsageException($"--bin-scan/--bin-detector: {CliErrors.WithoutParameter(e)}");
                }

                Console.WriteLine($"binned (sums): scan {binScan}×{binScan}, detector {binDetector}×{binDetector} → {Describe(source)}; {source.Metadata["bin"]}");
            }

            return (source, raw);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private static string Describe(FrameSource s) => $"{s.ScanRows}×{s.ScanCols} scan, {s.DetRows}×{s.DetCols} detector";

    private static CropWindow? Window(string? text, string option, int rows, int cols)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return CropWindow.Parse(text, rows, cols);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{option}: {e.Message}");
        }
    }
}
