namespace FastNmf.Storage;

/// <summary>The fixed geometry of <see cref="SparseSpans{TValue}"/>: how long a span is, and how the cut axis is cut.</summary>
internal static class SparseSpanLayout
{
    /// <summary>
    /// Positions per span at most (a position fits in a byte). A row's segment then holds ~95 nonzeros at the simulated
    /// sets' 37 % density: with segments of ~24 (spans of 64) the mispredicted exit of each segment's loop cost a third
    /// of the time at K = 30 (`perf -- phases`), while a span's rows of a factor tile (<see cref="Kernels.Lanes.LaneTiles"/>)
    /// still stay near the core. Fixed, so that results do not depend on K or the machine (see
    /// <see cref="SparseSpans{TValue}"/>).
    /// </summary>
    public const int Length = 256;

    /// <summary>Spare entries after the last one: the kernels widen a segment's counts 16 at a time and may read up to 15
    /// values past its end.</summary>
    public const int Padding = 64;

    /// <summary>Span starts over [0, <paramref name="count"/>) (as few spans as <see cref="Length"/> allows, as equal as
    /// they go: 290 positions are 145 + 145, not 256 + 34), and the end.</summary>
    public static int[] Uniform(int count)
    {
        var starts = new List<int>(((count + Length - 1) / Length) + 1);
        Cut(0, count, starts);
        starts.Add(count);
        return [.. starts];
    }

    /// <summary>
    /// Span starts over the local frames when each canonical block in <paramref name="blocks"/> (local frame ranges, in
    /// order, covering the frames) is cut into spans of <see cref="Length"/> on its own, so that a canonical block's
    /// partial sums are complete at one of its span ends (cut as <see cref="Uniform"/> cuts); <paramref name="firstSpanOfBlock"/> receives each block's first
    /// span and, as its last element, the span count.
    /// </summary>
    public static int[] Nested((int Start, int Count)[] blocks, out int[] firstSpanOfBlock)
    {
        var starts = new List<int>();
        firstSpanOfBlock = new int[blocks.Length + 1];
        int end = 0;
        for (int c = 0; c < blocks.Length; c++)
        {
            firstSpanOfBlock[c] = starts.Count;
            Cut(blocks[c].Start, blocks[c].Count, starts);
            end = blocks[c].Start + blocks[c].Count;
        }

        firstSpanOfBlock[blocks.Length] = starts.Count;
        starts.Add(end);
        return [.. starts];
    }

    // Starts of the spans of [start, start + count): ⌈count / Length⌉ of them, the first count % n one longer.
    private static void Cut(int start, int count, List<int> starts)
    {
        int n = (count + Length - 1) / Length;
        for (int s = 0, at = start; s < n; s++)
        {
            starts.Add(at);
            at += (count / n) + (s < count % n ? 1 : 0);
        }
    }
}
