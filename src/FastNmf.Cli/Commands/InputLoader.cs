using FastNmf.Data;
using FastNmf.Hdf5.Results;
using FastNmf.IO;

namespace FastNmf.Cli.Commands;

/// <summary>Opens a 4-D input file as a frame source and unfolds it into X (converted to float32 once, values checked).</summary>
internal static class InputLoader
{
    /// <summary>Opens <paramref name="path"/> in whatever format it is (or <see cref="FrameSourceOptions.Format"/> says), reporting what was found.</summary>
    public static FrameSource Open(string path, FrameSourceOptions options)
    {
        FrameSource source = FrameFormats.Open(path, options);
        Console.WriteLine($"input: {source.Path} ({source.Format}, {source.SourceDtype}): {source.ScanRows}×{source.ScanCols} scan, {source.DetRows}×{source.DetCols} detector");
        if (source.Metadata.TryGetValue("warning", out string? warning))
        {
            Console.Error.WriteLine($"fastnmf: warning: {warning}");
        }

        return source;
    }

    /// <summary>Reads <paramref name="source"/> into X (float32, or uint16 counts when <paramref name="counts"/>) with a
    /// progress bar, reporting clipped values on the console.</summary>
    public static (UnfoldedData X, InputInfo Info) Unfold(FrameSource source, DetectorMask? mask, bool clipNegative, bool counts = false, bool auto = false, ScanSlab? slab = null)
    {
        var progress = new Output.ReadProgress("reading", source.FrameCount, 4L * source.FrameLength);
        UnfoldedData x;
        try
        {
            x = auto ? XReader.ReadAuto(source, mask, clipNegative, progress, slab)
                : counts ? XReader.ReadCounts(source, mask, clipNegative, progress, slab)
                : XReader.ReadFloat32(source, mask, check: true, clipNegative, progress, slab);
        }
        finally
        {
            // Also on a bad value: the error line must not land on the live progress line.
            progress.Finish();
        }

        // A slab of a distributed run may be empty (vacuum, or all of it masked): the factorization checks the whole scan.
        if (x.SumOfSquares == 0 && x.Slab.IsWhole)
        {
            x.Dispose();
            throw new DataFormatException(source.Path, null, $"every value{(mask is null ? string.Empty : " outside the mask")} is 0: there is nothing to factorize.");
        }

        if (x.IsMapped)
        {
            Console.WriteLine($"X: uint16 counts memory-mapped from {source.Path} (no copy in memory)");
        }

        if (x.ClippedValues > 0)
        {
            Console.WriteLine($"clipped {x.ClippedValues} negative value(s) to 0");
        }

        bool fortran = source.Metadata.TryGetValue("fortran_order", out string? f) && f == "true";
        return (x, new InputInfo(System.IO.Path.GetFullPath(source.Path), source.Shape, source.SourceDtype, fortran, x.ClippedValues, ResultsProvenance.From(source)));
    }
}
