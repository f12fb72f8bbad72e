using System.Globalization;
using FastNmf.Factorization;

namespace FastNmf;

/// <summary>
/// What a factorization will hold in memory, from the sizes alone (before any frame is read): X as it is read
/// (<see cref="XReadMode"/>), the storage copy the products run on (none for float32 dense or uint16-read X; a uint16
/// copy of float32 X is 2 bytes per value; sparse is two 6-byte copies per nonzero), the solver's workspace for a batch
/// of restarts (<c>16·k·batch·(n_uv + n_xy)</c> bytes, the batch capped at 1 GiB of workspace), and the results and I/O
/// buffers. When <see cref="XStorage.Auto"/> leaves the copy to the data, <see cref="StorageBytes"/> is its largest
/// possible size (sparse needs ≥ 30 % zeros, so at most 70 % nonzeros), and <see cref="Exact(Data.UnfoldedData, XStorage, int)"/>
/// gives the real one once X is read.
/// </summary>
/// <param name="XBytes">X itself.</param>
/// <param name="StorageBytes">The storage copy (an upper bound while the storage is still <see cref="XStorage.Auto"/>).</param>
/// <param name="WorkspaceBytes">The solver workspace.</param>
/// <param name="OtherBytes">Results and read buffers.</param>
/// <param name="StorageKnown">Whether <see cref="StorageBytes"/> is exact.</param>
public sealed record MemoryPlan(long XBytes, long StorageBytes, long WorkspaceBytes, long OtherBytes, bool StorageKnown)
{
    // The reader's block (4 MiB), a reader's chunk and rented staging (a few MiB more).
    private const long IoBytes = 16L << 20;

    /// <summary>Everything together (the storage copy at its upper bound while unknown).</summary>
    public long TotalBytes => XBytes + StorageBytes + WorkspaceBytes + OtherBytes;

    /// <summary>What is certain before the data is read: all but an undecided storage copy.</summary>
    public long CertainBytes => XBytes + (StorageKnown ? StorageBytes : 0) + WorkspaceBytes + OtherBytes;

    /// <summary>The plan for X of <paramref name="nUv"/> kept pixels × <paramref name="nXy"/> frames.</summary>
    public static MemoryPlan Estimate(long nUv, long nXy, NmfOptions options, XReadMode read)
    {
        ArgumentNullException.ThrowIfNull(options);
        long values = nUv * nXy;
        long x = read switch
        {
            XReadMode.Float32 => ((nUv + 15) & ~15L) * nXy * 4,
            XReadMode.Counts => ((nUv + 31) & ~31L) * nXy * 2,
            _ => 0,
        };
        bool blas = options.Backend is KernelBackend.OpenBlas or KernelBackend.Mkl;
        XStorage storage = read != XReadMode.Float32 ? XStorage.DenseUInt16 : options.Storage == XStorage.Auto && blas ? XStorage.Dense : options.Storage;
        int batch = Factorizer.BatchSize((int)Math.Min(nUv, int.MaxValue), (int)Math.Min(nXy, int.MaxValue), options);
        int rows = options.Components * batch;
        long uint16Copy = ((nUv + 31) & ~31L) * nXy * 2;
        long storageBytes = storage switch
        {
            XStorage.Dense => 0,
            XStorage.DenseUInt16 => read == XReadMode.Float32 ? uint16Copy : 0,
            XStorage.Sparse => SparseBytes(values, nUv, nXy, rows),
            _ => Math.Max(uint16Copy, SparseBytes((long)(0.7 * values), nUv, nXy, rows)),
        };
        long workspace = SolverWorkspace.BytesFor((int)Math.Min(nUv, int.MaxValue), (int)Math.Min(nXy, int.MaxValue), options.Components, batch);
        long results = 4L * 4 * options.Components * (nUv + nXy);
        return new MemoryPlan(x, storageBytes, workspace, results + IoBytes, storage != XStorage.Auto);
    }

    /// <summary>The storage copy <paramref name="storage"/> (as resolved for <paramref name="x"/>, with
    /// <paramref name="rows"/> = k × restarts per pass) will take: exact, now that X is read.</summary>
    public static long Exact(Data.UnfoldedData x, XStorage storage, int rows)
    {
        ArgumentNullException.ThrowIfNull(x);
        return storage switch
        {
            XStorage.DenseUInt16 => x.IsUInt16 ? 0 : ((x.NUv + 31L) & ~31L) * x.NXy * 2,
            XStorage.Sparse => SparseBytes(x.NonZeros, x.NUv, x.NXy, rows),
            _ => 0,
        };
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

    // Two copies of 6 bytes per nonzero (uint16 index + float value), frame-major and pixel-major; their segment offsets
    // (8 bytes per block and frame or pixel, blocks of at least 64); and four lane buffers of the stacked rows.
    private static long SparseBytes(long nonZeros, long nUv, long nXy, int rows) =>
        (12 * nonZeros) + (8 * (((nUv + 63) / 64) + 1) * (nXy + 1)) + (8 * (((nXy + 63) / 64) + 1) * (nUv + 1)) + (16L * ((rows + 15) & ~15) * (nUv + nXy));

    private static long? ParseSize(string text)
    {
        text = text.Trim();
        long unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1 };
        string digits = unit == 1 ? text : text[..^1];
        return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 ? (long)(v * unit) : null;
    }
}
