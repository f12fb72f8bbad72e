namespace FastNmf.Kernels.Convolution;

/// <summary>
/// Reference convolution: straight loops with double accumulation. The kernel is applied as a true convolution
/// (flipped), which only matters for asymmetric custom kernels. The twin of <see cref="MapConvolutionVector256"/>
/// (bit for bit) and the path where that one is not supported.
/// </summary>
internal sealed class MapConvolutionScalar : IMapConvolution
{
    public string Name => nameof(MapConvolutionScalar);

    public void ConvolveSeparable(ReadOnlySpan<float> src, Span<float> dst, Span<float> scratch, int count, int srcRows, int dstRows, int cols,
        ReadOnlySpan<float> factor, ReadOnlySpan<int> rowTable, ReadOnlySpan<int> colTable)
    {
        int taps = factor.Length;
        int srcPlane = srcRows * cols;
        int dstPlane = dstRows * cols;
        Span<float> tmp = scratch[..srcPlane];
        for (int m = 0; m < count; m++)
        {
            ReadOnlySpan<float> s = src.Slice(m * srcPlane, srcPlane);
            Span<float> d = dst.Slice(m * dstPlane, dstPlane);

            // Along each source row (x), via the column-index table.
            for (int y = 0; y < srcRows; y++)
            {
                for (int x = 0; x < cols; x++)
                {
                    double sum = 0;
                    for (int t = 0; t < taps; t++)
                    {
                        sum += (double)factor[taps - 1 - t] * s[(y * cols) + colTable[(x * taps) + t]];
                    }

                    tmp[(y * cols) + x] = (float)sum;
                }
            }

            // Down each column (y) for the destination rows, via the row-index table.
            for (int y = 0; y < dstRows; y++)
            {
                for (int x = 0; x < cols; x++)
                {
                    double sum = 0;
                    for (int t = 0; t < taps; t++)
                    {
                        sum += (double)factor[taps - 1 - t] * tmp[(rowTable[(y * taps) + t] * cols) + x];
                    }

                    d[(y * cols) + x] = (float)sum;
                }
            }
        }
    }

    public void ConvolveDirect(ReadOnlySpan<float> src, Span<float> dst, int count, int srcRows, int dstRows, int cols,
        ReadOnlySpan<float> kernel, int size, ReadOnlySpan<int> rowTable, ReadOnlySpan<int> colTable)
    {
        int srcPlane = srcRows * cols;
        int dstPlane = dstRows * cols;
        for (int m = 0; m < count; m++)
        {
            ReadOnlySpan<float> s = src.Slice(m * srcPlane, srcPlane);
            Span<float> d = dst.Slice(m * dstPlane, dstPlane);
            for (int y = 0; y < dstRows; y++)
            {
                for (int x = 0; x < cols; x++)
                {
                    double sum = 0;
                    for (int ty = 0; ty < size; ty++)
                    {
                        int sy = rowTable[(y * size) + ty];
                        for (int tx = 0; tx < size; tx++)
                        {
                            float w = kernel[((size - 1 - ty) * size) + (size - 1 - tx)];
                            sum += (double)w * s[(sy * cols) + colTable[(x * size) + tx]];
                        }
                    }

                    d[(y * cols) + x] = (float)sum;
                }
            }
        }
    }
}
