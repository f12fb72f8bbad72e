namespace FastNmf.Kernels.Convolution;

/// <summary>
/// Convolution of a stack of maps (<c>count × rows × cols</c>, contiguous) with a square kernel under reflect borders.
/// Whole stacks per call so one interface call amortises over all k maps.
/// </summary>
internal interface IMapConvolution
{
    string Name { get; }

    /// <summary>Two 1-D passes with <paramref name="factor"/> (rows, then columns). <paramref name="scratch"/> holds
    /// at least one map. src and dst must not overlap.</summary>
    void ConvolveSeparable(ReadOnlySpan<float> src, Span<float> dst, Span<float> scratch, int count, int rows, int cols,
        ReadOnlySpan<float> factor, ReadOnlySpan<int> rowTable, ReadOnlySpan<int> colTable);

    /// <summary>Direct 2-D convolution with the full <c>size × size</c> kernel.</summary>
    void ConvolveDirect(ReadOnlySpan<float> src, Span<float> dst, int count, int rows, int cols,
        ReadOnlySpan<float> kernel, int size, ReadOnlySpan<int> rowTable, ReadOnlySpan<int> colTable);
}
