using System.Globalization;
using FastNmf.Data;
using FastNmf.IO;

namespace FastNmf.Cli.Commands;

/// <summary>
/// Says how much memory a run will take before it reads a frame — the <see cref="RunPlan"/> from a sample of frames —
/// prints the whole plan for <c>--dry-run</c>, and refuses a run that cannot fit, with the options that would, before
/// anything is read or written; once X is read, the plan again from X's statistics decides the storage the run uses.
/// </summary>
internal static class MemoryCheck
{
    /// <summary>The plan before reading: from <see cref="DataFacts.SampleFrames"/> frames of the input.</summary>
    public static RunPlan Forecast(FrameSource source, NmfOptions options, bool anyMask)
    {
        DataFacts facts = DataFacts.Sample(source, PixelMap.Create(source.DetRows, source.DetCols));
        return RunPlan.Create(facts with { Mappable = facts.Mappable && !anyMask }, options, RunPlan.AvailableBytes());
    }

    /// <summary>Prints the plan; returns true for a dry run (the caller stops). Refuses a run that does not fit.</summary>
    /// <exception cref="InsufficientMemoryException">the run cannot fit; the message lists what would.</exception>
    public static bool BeforeReading(FrameSource source, NmfOptions options, RunPlan plan, bool dryRun, bool anyMask)
    {
        long available = RunPlan.AvailableBytes();
        if (dryRun)
        {
            PrintTable(source, options, plan, available);
        }
        else
        {
            Console.WriteLine($"memory: {RunPlan.Format(plan.TotalBytes)} planned ({Breakdown(plan)}); {RunPlan.Format(available)} available");
        }

        bool fits = plan.TotalBytes <= available;
        if (dryRun)
        {
            Console.WriteLine(fits ? "verdict: fits." : $"verdict: does not fit. {Alternatives(source, options, available, anyMask)}");
            Console.WriteLine("dry run: no frame was read beyond the sample and nothing was written.");
            return true;
        }

        if (!fits)
        {
            throw new InsufficientMemoryException(
                $"{source.Path}: this run needs {RunPlan.Format(plan.TotalBytes)} ({Breakdown(plan)}) but {RunPlan.Format(available)} are available; nothing was read or written. "
                + Alternatives(source, options, available, anyMask));
        }

        return false;
    }

    /// <summary>
    /// Once X is read: the plan from X's statistics. A storage copy that <c>--storage auto</c> would build and that does
    /// not fit gives way to X as read (same results as that storage, slower), so a run is never refused after its data
    /// were read for a choice the user did not make; an explicit <c>--storage</c> that does not fit is refused.
    /// </summary>
    /// <returns><paramref name="options"/> with the plan's storage, which the factorization's own plan then repeats.</returns>
    /// <exception cref="InsufficientMemoryException">the storage the user asked for does not fit.</exception>
    public static NmfOptions AfterReading(UnfoldedData x, NmfOptions options)
    {
        long available = RunPlan.AvailableBytes();
        RunPlan plan = RunPlan.Create(DataFacts.Of(x), options, available);
        long needed = plan.TotalBytes - plan.XBytes;
        if (options.Storage != XStorage.Auto && needed > available)
        {
            throw new InsufficientMemoryException(
                $"X is read, but its {RunPlan.Name(plan.Storage)} storage needs {RunPlan.Format(needed)} more and {RunPlan.Format(available)} are available; nothing was written. "
                + "Try --storage auto or uint16 (no copy of counted data), or bin/crop the input.");
        }

        if (plan.StorageReason.Contains("does not fit", StringComparison.Ordinal))
        {
            Console.WriteLine($"memory: {plan.StorageReason}.");
        }

        // With a coarse stage each stage picks its own storage (the binned scan is denser, and takes more rows per pass).
        return options.CoarseScan is not null && options.Storage == XStorage.Auto ? options : options with { Storage = plan.Storage };
    }

    private static void PrintTable(FrameSource source, NmfOptions options, RunPlan plan, long available)
    {
        string x = plan.Read switch
        {
            XReadMode.Float32 => "float32",
            XReadMode.Counts => "uint16 counts (2 bytes per value from the file on)",
            _ => "uint16 counts memory-mapped from the file (the page cache holds it; no copy)",
        };
        Console.WriteLine($"memory plan for {source.ScanRows}×{source.ScanCols} scan × {source.DetRows}×{source.DetCols} detector ({source.FrameCount} frames × {source.FrameLength} pixels), k = {options.Components}, {options.Restarts} restart(s), {plan.Batch} per pass:");
        Row("X", plan.XBytes, x);
        Row("storage copy", plan.StorageBytes, $"{RunPlan.Name(plan.Storage)}: {plan.StorageReason}{(plan.Exact ? string.Empty : $" (from {DataFacts.SampleFrames} sampled frames)")}");
        Row("solver workspace", plan.WorkspaceBytes, "W, H and their products for a batch of restarts, the reduction accumulators");
        Row("results, buffers", plan.OtherBytes, "read blocks, normalised W and H, statistics");
        if (plan.Coarse is { } c)
        {
            Row("coarse stage", c.TotalBytes, $"before the rows above: the scan binned {options.CoarseScan}×{options.CoarseScan} in memory ({RunPlan.Format(c.XBytes)}), its {RunPlan.Name(c.Storage)} storage ({RunPlan.Format(c.StorageBytes)}: {c.StorageReason}), solver {RunPlan.Format(c.WorkspaceBytes)}, {c.Batch} restart(s) per pass");
        }

        Row("total", plan.TotalBytes, "what the run allocates");
        if (plan.MappedBytes > 0)
        {
            Row("resident", plan.ResidentBytes, "with the mapped file in the page cache too (the peak `time -v` reports)");
        }

        Row("available", available, "MemAvailable (or FASTNMF_AVAILABLE_MEMORY)");
    }

    private static void Row(string what, long bytes, string note) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-18}  {RunPlan.Format(bytes),12}  {note}"));

    private static string Breakdown(RunPlan plan) =>
        $"X {RunPlan.Format(plan.XBytes)} {(plan.Read == XReadMode.Float32 ? "float32" : "uint16")}"
        + (plan.StorageBytes > 0 ? $" + {RunPlan.Name(plan.Storage)} storage {RunPlan.Format(plan.StorageBytes)}" : string.Empty)
        + $" + solver {RunPlan.Format(plan.WorkspaceBytes)} + buffers {RunPlan.Format(plan.OtherBytes)}"
        + (plan.Coarse is { } c ? $"; before that the coarse stage {RunPlan.Format(c.TotalBytes)}" : string.Empty);

    // The options that would make the run fit, each with what it would need.
    private static string Alternatives(FrameSource source, NmfOptions options, long available, bool anyMask)
    {
        var fits = new List<string>();
        DataFacts facts = DataFacts.Sample(source, PixelMap.Create(source.DetRows, source.DetCols));
        facts = facts with { Mappable = facts.Mappable && !anyMask };
        if (options.Storage != XStorage.DenseUInt16 && facts.IsCounts)
        {
            Try("--storage uint16", facts.Mappable ? ": X memory-mapped from the file" : ": X read as uint16 counts", facts, options with { Storage = XStorage.DenseUInt16 });
        }

        DataFacts binned = facts with { Mappable = false };
        long detector = (source.DetRows / 2L) * (source.DetCols / 2), scan = (source.ScanRows / 2L) * (source.ScanCols / 2);
        Try("--bin-detector 2", string.Empty, binned with { KeptPixels = (int)detector }, options);
        Try("--bin-scan 2", string.Empty, binned with { Frames = scan }, options);
        Try("--bin-scan 2 --bin-detector 2", string.Empty, binned with { KeptPixels = (int)detector, Frames = scan }, options);
        string crop = "or crop a region of interest with --crop-scan / --crop-detector.";
        return fits.Count == 0 ? $"Nothing simple fits: bin by more (--bin-scan N, --bin-detector N), {crop}" : $"It would fit with: {string.Join("; ", fits)}; {crop}";

        void Try(string option, string note, DataFacts f, NmfOptions o)
        {
            RunPlan p = RunPlan.Create(f, o, available);
            if (p.TotalBytes <= available && fits.Count < 3)
            {
                fits.Add($"{option} ({RunPlan.Format(p.TotalBytes)}{note})");
            }
        }
    }
}
