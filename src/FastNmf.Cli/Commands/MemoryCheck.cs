using System.Globalization;
using FastNmf.Data;
using FastNmf.IO;

namespace FastNmf.Cli.Commands;

/// <summary>
/// Says how much memory a run will take before it reads a frame (<see cref="MemoryPlan"/>), prints the whole plan for
/// <c>--dry-run</c>, and refuses a run that cannot fit — with the options that would make it fit — before anything is
/// read or written; once X is read, checks the storage copy the data decided on the same way.
/// </summary>
internal static class MemoryCheck
{
    /// <summary>How X will be read: uint16 storage reads counts straight into uint16 (mapped from a plain uint16 .npy when nothing is cropped, binned or masked).</summary>
    public static XReadMode ReadMode(NmfOptions options, FrameSource source, bool anyMask) =>
        options.Storage != XStorage.DenseUInt16 ? XReadMode.Float32
        : !anyMask && source is NpyFrameSource { CanMapCounts: true } ? XReadMode.CountsMapped
        : XReadMode.Counts;

    /// <summary>Prints the plan; returns true for a dry run (the caller stops). Refuses a run whose certain part does not fit.</summary>
    /// <exception cref="InsufficientMemoryException">the run cannot fit; the message lists what would.</exception>
    public static bool BeforeReading(FrameSource source, NmfOptions options, XReadMode read, bool dryRun, bool anyMask)
    {
        MemoryPlan plan = MemoryPlan.Estimate(source.FrameLength, source.FrameCount, options, read);
        long available = MemoryPlan.AvailableBytes();
        if (dryRun)
        {
            PrintTable(source, options, read, plan, available);
        }
        else
        {
            string upper = plan.StorageKnown ? string.Empty : $", up to {MemoryPlan.Format(plan.TotalBytes)} once auto picks the storage";
            Console.WriteLine($"memory: {MemoryPlan.Format(plan.CertainBytes)} planned{upper}; {MemoryPlan.Format(available)} available");
        }

        bool fits = plan.CertainBytes <= available;
        if (dryRun)
        {
            Console.WriteLine(fits
                ? "verdict: fits" + (plan.StorageKnown || plan.TotalBytes <= available ? "." : $" (the storage copy auto may pick is checked once the data are read).")
                : $"verdict: does not fit. {Alternatives(source, options, read, available, anyMask)}");
            Console.WriteLine("dry run: no frame was read and nothing was written.");
            return true;
        }

        if (!fits)
        {
            throw new InsufficientMemoryException(
                $"{source.Path}: this run needs {MemoryPlan.Format(plan.CertainBytes)} ({Breakdown(plan, read)}) but {MemoryPlan.Format(available)} are available; nothing was read or written. "
                + Alternatives(source, options, read, available, anyMask));
        }

        return false;
    }

    /// <summary>
    /// Once X is read: checks the storage copy the run will build (now exactly known). A copy that <c>--storage auto</c>
    /// chose and that does not fit is dropped for dense storage (X as read, no copy; same results, slower), so a run is
    /// never refused after its data were read for a choice the user did not make; an explicit <c>--storage</c> is refused.
    /// </summary>
    /// <returns><paramref name="options"/>, with dense storage where auto's copy does not fit.</returns>
    /// <exception cref="InsufficientMemoryException">the storage the user asked for does not fit.</exception>
    public static NmfOptions AfterReading(UnfoldedData x, NmfOptions options)
    {
        XStorage storage = x.IsUInt16 ? XStorage.DenseUInt16
            : options.Storage != XStorage.Auto ? options.Storage
            : options.Backend is KernelBackend.OpenBlas or KernelBackend.Mkl ? XStorage.Dense
            : Factorizer.ChooseStorage(x, options.Components * Math.Max(1, options.Restarts));
        long copy = MemoryPlan.Exact(x, storage, options.Components * Math.Max(1, options.Restarts));
        long available = MemoryPlan.AvailableBytes();
        if (copy <= available)
        {
            return options;
        }

        if (options.Storage == XStorage.Auto && !x.IsUInt16)
        {
            Console.WriteLine($"memory: the {SolverOptionSet.StorageName(storage)} copy auto would build needs {MemoryPlan.Format(copy)} and {MemoryPlan.Format(available)} are available: X is used as read (dense float32, no copy; same results, slower).");
            return options with { Storage = XStorage.Dense };
        }

        throw new InsufficientMemoryException(
            $"X is read, but its {SolverOptionSet.StorageName(storage)} storage copy needs {MemoryPlan.Format(copy)} more and {MemoryPlan.Format(available)} are available; nothing was written. "
            + "Try --storage dense (no copy) or --storage uint16 (X read as counts, no copy), or bin/crop the input.");
    }

    private static void PrintTable(FrameSource source, NmfOptions options, XReadMode read, MemoryPlan plan, long available)
    {
        string x = read switch
        {
            XReadMode.Float32 => "float32",
            XReadMode.Counts => "uint16 counts",
            _ => "uint16 counts memory-mapped from the file (no memory of its own; the OS pages frames in)",
        };
        string storage = plan.StorageKnown ? SolverOptionSet.StorageName(read == XReadMode.Float32 ? options.Storage : XStorage.DenseUInt16)
            : "auto (decided after reading; the largest case is shown: uint16 copy if all counts, sparse 12 B per nonzero if ≥ 30 % zeros)";
        Console.WriteLine($"memory plan for {source.ScanRows}×{source.ScanCols} scan × {source.DetRows}×{source.DetCols} detector ({source.FrameCount} frames × {source.FrameLength} pixels), k = {options.Components}, {options.Restarts} restart(s):");
        Row("X", plan.XBytes, x);
        Row("storage copy", plan.StorageBytes, storage, !plan.StorageKnown);
        Row("solver workspace", plan.WorkspaceBytes, "W, H and their products for a batch of restarts");
        Row("results, buffers", plan.OtherBytes, "read blocks, normalised W and H");
        Row("total", plan.TotalBytes, plan.StorageKnown ? string.Empty : $"at most; {MemoryPlan.Format(plan.CertainBytes)} certain", !plan.StorageKnown);
        Row("available", available, "MemAvailable (or FASTNMF_AVAILABLE_MEMORY)");
    }

    private static void Row(string what, long bytes, string note, bool upTo = false) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-18}{(upTo ? "≤ " : "  ")}{MemoryPlan.Format(bytes),12}  {note}"));

    private static string Breakdown(MemoryPlan plan, XReadMode read) =>
        $"X {MemoryPlan.Format(plan.XBytes)} {(read == XReadMode.Float32 ? "float32" : "uint16")}"
        + (plan.StorageKnown && plan.StorageBytes > 0 ? $" + storage copy {MemoryPlan.Format(plan.StorageBytes)}" : string.Empty)
        + $" + solver {MemoryPlan.Format(plan.WorkspaceBytes)} + buffers {MemoryPlan.Format(plan.OtherBytes)}";

    // The options that would make the run fit, each with what it would need.
    private static string Alternatives(FrameSource source, NmfOptions options, XReadMode read, long available, bool anyMask)
    {
        var fits = new List<string>();
        long nUv = source.FrameLength, nXy = source.FrameCount;
        if (read == XReadMode.Float32)
        {
            XReadMode counts = ReadMode(options with { Storage = XStorage.DenseUInt16 }, source, anyMask);
            Try("--storage uint16", counts == XReadMode.CountsMapped ? ": X memory-mapped from the file" : ": X read as uint16 counts", nUv, nXy, options with { Storage = XStorage.DenseUInt16 }, counts);
        }

        XReadMode binned = read == XReadMode.CountsMapped ? XReadMode.Counts : read;
        Try("--bin-detector 2", string.Empty, (source.DetRows / 2L) * (source.DetCols / 2), nXy, options, binned);
        Try("--bin-scan 2", string.Empty, nUv, (source.ScanRows / 2L) * (source.ScanCols / 2), options, binned);
        Try("--bin-scan 2 --bin-detector 2", string.Empty, (source.DetRows / 2L) * (source.DetCols / 2), (source.ScanRows / 2L) * (source.ScanCols / 2), options, binned);
        string crop = "or crop a region of interest with --crop-scan / --crop-detector.";
        return fits.Count == 0 ? $"Nothing simple fits: bin by more (--bin-scan N, --bin-detector N), {crop}" : $"It would fit with: {string.Join("; ", fits)}; {crop}";

        void Try(string option, string note, long uv, long xy, NmfOptions o, XReadMode mode)
        {
            MemoryPlan p = MemoryPlan.Estimate(uv, xy, o, mode);
            if (p.CertainBytes <= available && fits.Count < 3)
            {
                fits.Add($"{option} ({MemoryPlan.Format(p.CertainBytes)}{note})");
            }
        }
    }
}
