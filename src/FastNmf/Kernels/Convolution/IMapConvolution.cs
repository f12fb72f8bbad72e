namespace FastNmf.Kernels.Convolution;

/// <summary>
/// Convolution of a stack of maps with a square kernel, border handling in the index tables. Source maps are
/// <c>count × srcRows × cols</c> and destination maps <c>count × dstRows × cols</c>, both contiguous: a whole map
/// (srcRows = dstRows) or one rank's slab with its halo rows (the source has the neighbours' rows above and below).
/// Output row y, tap t reads source row <c>rowTable[y·taps + t]</c>; output column x, tap t reads source column
/// <c>colTable[x·taps + t]</c>. Each output is the same sum in the same order wherever its rows are held, so a slab
/// gives the bits of the whole map. Whole stacks per call so one interface call amortises over all k maps.
/// </summary>
internal interface IMapConvolution
{
    string Name { get; }

    /// <summary>Two 1-D passes with <paramref name="factor"/>: along every source row, then down the columns for the
    /// destination rows. <paramref name="scratch"/> holds at least one source map. src and dst must not overlap.</summary>
    void ConvolveSeparable(ReadOnlySpan<float> src, Span<float> dst, Span<float> scratch, int count, int srcRows, int dstRows, int cols,
        ReadOnlySpan<float> factor, ReadOnlySpan<int> rowTable, ReadOnlySpan<int> colTable);

    /// <summary>Direct 2-D convolution with the full <c>size × size</c> kernel.</summary>
    void ConvolveDirect(ReadOnlySpan<float> src, Span<float> dst, int count, int srcRows, int dstRows, int cols,
        ReadOnlySpan<float> kernel, int size, ReadOnlySpan<int> rowTable, ReadOnlySpan<int> colTable);
}
