namespace FastNmf.Data;

/// <summary>
/// The canonical frame blocks of a scan: whole scan rows, <see cref="RowsPerBlock"/> at a time, fixed by the scan's
/// shape alone. Every sum over scan positions is formed block by block (each block's partial sum from zero, in a fixed
/// order inside the block) and the partials are folded exactly (<see cref="Kernels.Reductions.ExactFold"/>), so the sum
/// does not depend on how the scan is split into slabs, threads or ranks — only on the blocks, which never change.
/// A slab of a distributed run is a run of whole blocks.
/// </summary>
internal sealed class FrameBlocks
{
    /// <summary>Frames a block holds at most (unless one scan row is longer): enough that the exact fold of a block's
    /// partial H·X costs a few percent of the block's product, and no more than one span of the sparse copy
    /// (<see cref="Storage.SparseSpanLayout.Length"/>), so that a block's H·X is one segment per pixel folded straight
    /// from registers (a 290-frame block cut into two spans of 145 made each segment half as long, and H·X 40 % slower).</summary>
    public const int TargetFrames = 256;

    private FrameBlocks(int scanRows, int scanCols, int rowsPerBlock)
    {
        ScanRows = scanRows;
        ScanCols = scanCols;
        RowsPerBlock = rowsPerBlock;
        Count = (scanRows + rowsPerBlock - 1) / rowsPerBlock;
    }

    public int ScanRows { get; }

    public int ScanCols { get; }

    /// <summary>Scan rows per block (the last block may hold fewer).</summary>
    public int RowsPerBlock { get; }

    /// <summary>Blocks in the scan.</summary>
    public int Count { get; }

    /// <summary>The blocks of a <paramref name="scanRows"/> × <paramref name="scanCols"/> scan.</summary>
    public static FrameBlocks For(int scanRows, int scanCols)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scanRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scanCols, 1);
        int rows = Math.Clamp(TargetFrames / scanCols, 1, scanRows);
        return new FrameBlocks(scanRows, scanCols, rows);
    }

    /// <summary>First scan row of block <paramref name="b"/>.</summary>
    public int FirstRow(int b) => b * RowsPerBlock;

    /// <summary>Scan rows of block <paramref name="b"/>.</summary>
    public int Rows(int b) => Math.Min(RowsPerBlock, ScanRows - FirstRow(b));

    /// <summary>The blocks of a slab, as [first, end) block indices.</summary>
    /// <exception cref="ArgumentException">the slab does not start and end on block boundaries (or the scan's end).</exception>
    public (int First, int End) Of(ScanSlab slab)
    {
        ArgumentNullException.ThrowIfNull(slab);
        if (slab.ScanRows != ScanRows || slab.ScanCols != ScanCols)
        {
            throw new ArgumentException($"the slab is of a {slab.ScanRows}×{slab.ScanCols} scan, the blocks of a {ScanRows}×{ScanCols} one.", nameof(slab));
        }

        int end = slab.FirstRow + slab.Rows;
        if (slab.FirstRow % RowsPerBlock != 0 || (end % RowsPerBlock != 0 && end != ScanRows))
        {
            throw new ArgumentException(
                $"scan rows [{slab.FirstRow}, {end}) do not start and end on the scan's canonical blocks of {RowsPerBlock} row(s); a slab must (see FrameBlocks.Slab).", nameof(slab));
        }

        return (slab.FirstRow / RowsPerBlock, (end + RowsPerBlock - 1) / RowsPerBlock);
    }

    /// <summary>The slab of rank <paramref name="rank"/> of <paramref name="size"/>: a contiguous, balanced run of whole
    /// blocks (block counts differ by at most one between ranks).</summary>
    /// <exception cref="ArgumentOutOfRangeException">more ranks than blocks.</exception>
    public ScanSlab Slab(int rank, int size)
    {
        if (size < 1 || size > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size,
                $"a {ScanRows}×{ScanCols} scan has {Count} canonical block(s) of {RowsPerBlock} scan row(s) (up to {TargetFrames} frames each, or one scan row), so it splits over at most {Count} process(es); got {size}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, size);
        int first = (int)((long)Count * rank / size);
        int end = (int)((long)Count * (rank + 1) / size);
        int row0 = FirstRow(first);
        int row1 = end == Count ? ScanRows : FirstRow(end);
        return new ScanSlab(ScanRows, ScanCols, row0, row1 - row0);
    }

    /// <summary>Local frame ranges (start, count) of the blocks of <paramref name="slab"/>, relative to its first frame.</summary>
    public (int Start, int Count)[] LocalRanges(ScanSlab slab)
    {
        (int first, int end) = Of(slab);
        var ranges = new (int, int)[end - first];
        for (int b = first; b < end; b++)
        {
            ranges[b - first] = ((FirstRow(b) - slab.FirstRow) * ScanCols, Rows(b) * ScanCols);
        }

        return ranges;
    }
}
