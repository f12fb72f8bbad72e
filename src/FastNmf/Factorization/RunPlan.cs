using System.Globalization;
using FastNmf.Data;
using FastNmf.Factorization;
using FastNmf.Kernels;
using FastNmf.Storage;

namespace FastNmf;

/// <summary>
/// The one place a run's shape is decided: how X is read (<see cref="Read"/>), how it is stored for the products
/// (<see cref="Storage"/>), how many restarts share a pass (<see cref="Batch"/>) and what all of it holds in memory.
/// The CLI's forecast (<c>--dry-run</c>, from a sample of frames) and the factorization itself (from X's statistics)
/// both come from <see cref="Create"/>, so they agree wherever the sample judged the data as the statistics do.
/// </summary>
public sealed record RunPlan
{
    // The reader's block (4 MiB), a reader's chunk and rented staging (a few MiB more).
    private const long IoBytes = 16L << 20;

    /// <summary>How X is read from the input.</summary>
    public required XReadMode Read { get; init; }

    /// <summary>How X is stored for the products (never Auto).</summary>
    public required XStorage Storage { get; init; }

    /// <summary>Why this storage (the measured rule, or the option that asked for it).</summary>
    public required string StorageReason { get; init; }

    /// <summary>Restarts per pass over X.</summary>
    public required int Batch { get; init; }

    /// <summary>X as read, in memory of its own (0 for a memory-mapped file: see <see cref="MappedBytes"/>).</summary>
    public required long XBytes { get; init; }

    /// <summary>X as the input file itself, memory-mapped: the page cache its passes read (resident while it fits,
    /// reclaimable, so not counted in <see cref="TotalBytes"/>).</summary>
    public required long MappedBytes { get; init; }

    /// <summary>The storage copy the products run on (sparse copies and lane buffers; a uint16 copy of float32 X).</summary>
    public required long StorageBytes { get; init; }

    /// <summary>The solver: W, H and their products for a batch, the reduction accumulators, the block tiles.</summary>
    public required long WorkspaceBytes { get; init; }

    /// <summary>Results, read buffers, the statistics' per-block maxima.</summary>
    public required long OtherBytes { get; init; }

    /// <summary>Whether the plan comes from X's statistics (true) or a sample of frames (false).</summary>
    public required bool Exact { get; init; }

    /// <summary>The plan of the coarse stage (<see cref="NmfOptions.CoarseScan"/>: the binned scan in memory, its storage
    /// and solver, while X stays as read), or null; this plan's own figures are then the full-scan stage's.</summary>
    public RunPlan? Coarse { get; init; }

    /// <summary>Everything the run allocates together at its peak (what must fit in the memory available): the larger
    /// of the full-scan stage and, with a coarse stage, X as read plus the coarse stage's total.</summary>
    public long TotalBytes => Math.Max(XBytes + StorageBytes + WorkspaceBytes + OtherBytes, Coarse is null ? 0 : XBytes + Coarse.TotalBytes);

    /// <summary>The resident set the run reaches when the page cache also holds a mapped X: <see cref="TotalBytes"/> +
    /// <see cref="MappedBytes"/> (the figure `ps`/`time -v` report as the peak).</summary>
    public long ResidentBytes => TotalBytes + MappedBytes;

    /// <summary>
    /// The plan for X with <paramref name="facts"/> under <paramref name="options"/>. With
    /// <paramref name="availableBytes"/>, a storage copy that <see cref="XStorage.Auto"/> would pick but that does not fit
    /// gives way to the X as read (uint16 or float32: no copy; same results as that storage, slower); without, the choice
    /// is the measured fastest (<see cref="Factorizer.ChooseStorage(int, XStatistics, int)"/>), so a library run's bits do
    /// not depend on the memory free at the time.
    /// </summary>
    /// <param name="facts">X's shape and what is known of its values.</param>
    /// <param name="options">The run's options (storage, backend, k, restarts, threads).</param>
    /// <param name="availableBytes">Memory the run may use, or null for no limit.</param>
    public static RunPlan Create(DataFacts facts, NmfOptions options, long? availableBytes = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(options);
        if (options.CoarseScan is int factor && facts.ScanRows is not null && facts.ScanCols is not null)
        {
            // Two stages, one after the other: the binned scan's (its restarts and trial), then one restart on the full scan.
            RunPlan coarse = Create(facts.Binned(factor), CoarseToFine.CoarseOptions(options), availableBytes);
            RunPlan fine = Create(facts, CoarseToFine.FineOptions(options), availableBytes);
            return fine with { Coarse = coarse };
        }

        bool blas = options.Backend is KernelBackend.OpenBlas or KernelBackend.Mkl;
        bool float32 = blas || options.Storage == XStorage.Dense || !facts.IsCounts;
        XReadMode read = facts.HeldAs ?? (float32 ? XReadMode.Float32 : facts.Mappable ? XReadMode.CountsMapped : XReadMode.Counts);
        int nUv = facts.KeptPixels, nXy = (int)Math.Min(facts.Frames, int.MaxValue);
        int batch = Factorizer.BatchSize(nUv, nXy, options);
        int rows = options.Components * batch;
        (XStorage storage, string reason) = options.Storage != XStorage.Auto ? (options.Storage, $"--storage {Name(options.Storage)} asked for")
            : blas ? (XStorage.Dense, "a native BLAS multiplies dense float32")
            : Fastest(facts, ProductSchedule.Of(options, batch, facts.ZeroFraction));
        RunPlan plan = Sized(facts, options, read, storage, reason, batch);
        if (availableBytes is { } available && options.Storage == XStorage.Auto && plan.TotalBytes > available && plan.StorageBytes > 0)
        {
            XStorage asRead = read == XReadMode.Float32 ? XStorage.Dense : XStorage.DenseUInt16;
            RunPlan fallback = Sized(facts, options, read, asRead, $"the {Name(storage)} copy ({Format(plan.StorageBytes)}) does not fit in {Format(available)}: X as read, no copy (same results as {Name(asRead)} storage, slower)", batch);
            if (fallback.TotalBytes < plan.TotalBytes)
            {
                return fallback;
            }
        }

        return plan;
    }

    /// <summary>Bytes available to this process now: <c>MemAvailable</c> of /proc/meminfo, capped by the GC's limit (a
    /// container's memory limit); <c>FASTNMF_AVAILABLE_MEMORY</c> (bytes, or with a K/M/G suffix) overrides both.</summary>
    public static long AvailableBytes()
    {
        if (Environment.GetEnvironmentVariable("FASTNMF_AVAILABLE_MEMORY") is { Length: > 0 } forced && ParseSize(forced) is long bytes)
        {
            return bytes;
        }

        long limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kib))
                {
                    return Math.Min(limit, kib * 1024);
                }
            }
        }
        catch (IOException)
        {
            // Not Linux: the GC's figure is the best there is.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }

        return limit;
    }

    /// <summary>Formats bytes as GiB/MiB with two decimals, e.g. <c>16.00 GiB</c>.</summary>
    public static string Format(long bytes) => bytes == 0 ? "0 bytes" : bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB");

    /// <summary>The storage's name as the CLI spells it.</summary>
    public static string Name(XStorage storage) => storage switch
    {
        XStorage.Dense => "dense",
        XStorage.DenseUInt16 => "uint16",
        XStorage.Sparse => "sparse",
        _ => "auto",
    };

    // The measured fastest storage for these facts and this schedule of stacked rows (see ProductSchedule).
    private static (XStorage, string) Fastest(DataFacts facts, ProductSchedule schedule)
    {
        // Counts: whichever the measured costs say is faster for this density and schedule; real values: sparse when
        // mostly zeros (float32 X has no uint16 to compare with).
        if (schedule.PicksSparse(facts.IsCounts))
        {
            return (XStorage.Sparse, string.Create(CultureInfo.InvariantCulture,
                $"{100 * facts.ZeroFraction:F0} % zeros{(facts.IsCounts ? $"; {schedule.Describe()}" : string.Empty)}"));
        }

        return facts.IsCounts
            ? (XStorage.DenseUInt16, string.Create(CultureInfo.InvariantCulture, $"counts, {100 * facts.ZeroFraction:F0} % zeros; {schedule.Describe()}"))
            : (XStorage.Dense, $"real-valued data, too few zeros for sparse (needs {100 * NmfOptions.SparseThreshold:F0} %)");
    }

    private static RunPlan Sized(DataFacts facts, NmfOptions options, XReadMode read, XStorage storage, string reason, int batch)
    {
        long nUv = facts.KeptPixels, nXy = facts.Frames;
        int k = options.Components, rows = k * batch;
        long x = read switch
        {
            XReadMode.Float32 => ((nUv + 15) & ~15L) * nXy * 4,
            XReadMode.Counts => ((nUv + 31) & ~31L) * nXy * 2,
            _ => 0,
        };
        long mapped = read == XReadMode.CountsMapped ? nUv * nXy * 2 : 0;
        (int Start, int Count)[] blocks = UniformBlocks(nXy);
        long copy = storage switch
        {
            XStorage.DenseUInt16 => read == XReadMode.Float32 ? ((nUv + 31) & ~31L) * nXy * 2 : 0,
            XStorage.Sparse => SparseXOperand.BytesFor((long)Math.Ceiling((1 - facts.ZeroFraction) * nUv * nXy), (int)nUv, (int)nXy, blocks, rows, options.Threads, KernelSet.CreateDefault().SparseWidth, facts.IsCounts),
            _ => 0,
        };
        Kernels.Lanes.LaneWidth width = KernelSet.CreateDefault().SparseWidth;
        long accumulators = storage == XStorage.Sparse
            ? 8L * nUv * new Kernels.Lanes.LaneTiles(rows, width).Lanes
            : 8L * rows * ((nUv + 7) & ~7L);
        long workspace = SolverWorkspace.BytesFor((int)nUv, (int)nXy, k, batch) + accumulators
            + (storage == XStorage.Sparse ? 0 : DenseHXFold.BytesFor(options.Threads, rows));
        // Results (best W and H, their normalised and sorted copies, the refolded W), the statistics' per-block maxima,
        // and the restarts a trial keeps (their W and H while the next batches run).
        long other = IoBytes + (4L * 4 * k * (nUv + nXy)) + (4L * nUv * blocks.Length)
            + (options.Prunes ? 4L * options.RestartsKept * k * (nUv + nXy) : 0);
        return new RunPlan
        {
            Read = read,
            Storage = storage,
            StorageReason = reason,
            Batch = batch,
            XBytes = x,
            MappedBytes = mapped,
            StorageBytes = copy,
            WorkspaceBytes = workspace,
            OtherBytes = other,
            Exact = facts.Exact,
        };
    }

    // Canonical blocks of FrameBlocks.TargetFrames frames (the scan's rows fix them exactly; this is their count to within
    // one block, which is all the byte counts need).
    private static (int Start, int Count)[] UniformBlocks(long frames)
    {
        int target = FrameBlocks.TargetFrames;
        return Enumerable.Range(0, (int)Math.Max(1, (frames + target - 1) / target))
            .Select(b => (b * target, (int)Math.Min(target, frames - ((long)b * target)))).ToArray();
    }

    private static long? ParseSize(string text)
    {
        text = text.Trim();
        long unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1 };
        string digits = unit == 1 ? text : text[..^1];
        return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 ? (long)(v * unit) : null;
    }
}
