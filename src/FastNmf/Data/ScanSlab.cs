namespace FastNmf.Data;

/// <summary>
/// The scan rows one process holds of a scan: rows [<see cref="FirstRow"/>, <see cref="FirstRow"/> + <see cref="Rows"/>)
/// of a <see cref="ScanRows"/> × <see cref="ScanCols"/> scan. A single-process run holds the whole scan; the ranks of a
/// distributed run each hold a slab that starts and ends on the scan's canonical frame blocks.
/// </summary>
/// <param name="ScanRows">Rows of the whole scan.</param>
/// <param name="ScanCols">Columns of the whole scan.</param>
/// <param name="FirstRow">First scan row held here.</param>
/// <param name="Rows">Scan rows held here.</param>
public sealed record ScanSlab(int ScanRows, int ScanCols, int FirstRow, int Rows)
{
    /// <summary>The whole scan.</summary>
    public static ScanSlab Whole(int scanRows, int scanCols) => new(scanRows, scanCols, 0, scanRows);

    /// <summary>Frames of the whole scan.</summary>
    public long TotalFrames => (long)ScanRows * ScanCols;

    /// <summary>Index (in the whole scan) of the first frame held here.</summary>
    public long FirstFrame => (long)FirstRow * ScanCols;

    /// <summary>Frames held here.</summary>
    public int Frames => Rows * ScanCols;

    /// <summary>True when this holds the whole scan.</summary>
    public bool IsWhole => FirstRow == 0 && Rows == ScanRows;

    /// <summary>The slab rank <paramref name="rank"/> of <paramref name="size"/> holds of a
    /// <paramref name="scanRows"/> × <paramref name="scanCols"/> scan: a balanced run of the scan's canonical frame
    /// blocks (whole scan rows, at least 256 frames each).</summary>
    /// <exception cref="ArgumentOutOfRangeException">more ranks than the scan has blocks (the message says how many fit).</exception>
    public static ScanSlab ForRank(int scanRows, int scanCols, int rank, int size) => FrameBlocks.For(scanRows, scanCols).Slab(rank, size);

    /// <summary>Checks the slab lies inside its scan.</summary>
    /// <exception cref="ArgumentOutOfRangeException">an empty dimension, or rows outside the scan.</exception>
    public void Validate()
    {
        if (ScanRows < 1 || ScanCols < 1 || Rows < 1 || FirstRow < 0 || FirstRow + Rows > ScanRows)
        {
            throw new ArgumentOutOfRangeException(nameof(Rows), $"scan rows [{FirstRow}, {FirstRow + Rows}) are not a slab of a {ScanRows}×{ScanCols} scan.");
        }
    }
}
