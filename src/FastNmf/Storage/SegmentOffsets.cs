namespace FastNmf.Storage;

/// <summary>Turns per-segment counts into start offsets, in place, for the segment tables of the sparse copies.</summary>
internal static class SegmentOffsets
{
    /// <summary>
    /// <paramref name="table"/> holds <paramref name="rows"/> rows of <paramref name="segments"/> + 1 entries; on entry
    /// the first <paramref name="segments"/> of each row are counts, on return offsets running on across rows, and each
    /// row's last entry is its end. Returns the total.
    /// </summary>
    public static long FromCounts(long[] table, int rows, int segments)
    {
        long p = 0;
        for (int b = 0; b < rows; b++)
        {
            long row = (long)b * (segments + 1);
            for (int s = 0; s < segments; s++)
            {
                long n = table[row + s];
                table[row + s] = p;
                p += n;
            }

            table[row + segments] = p;
        }

        return p;
    }
}
