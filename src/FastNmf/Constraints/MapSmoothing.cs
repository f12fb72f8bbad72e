using FastNmf.Kernels.Convolution;

namespace FastNmf.Constraints;

/// <summary>
/// The map constraint [·]_H: every map convolved with the resolution kernel under reflect borders (separable when the
/// kernel is), then projected onto the nonnegative orthant. Border tables are built once per map shape; the stack is
/// convolved into a caller-provided buffer. Not thread-safe (owns scratch).
/// </summary>
internal sealed class MapSmoothing
{
    private readonly ConvolutionKernel _kernel;
    private readonly IMapConvolution _convolution;
    private readonly int[] _rowTable;
    private readonly int[] _colTable;
    private readonly float[] _scratch;
    private readonly int _rows;
    private readonly int _cols;

    public MapSmoothing(ConvolutionKernel kernel, int rows, int cols, IMapConvolution convolution)
    {
        _kernel = kernel;
        _convolution = convolution;
        _rows = rows;
        _cols = cols;
        _rowTable = ReflectBorder.Table(rows, kernel.Radius);
        _colTable = ReflectBorder.Table(cols, kernel.Radius);
        _scratch = new float[rows * cols];
    }

    /// <summary>Convolves <paramref name="count"/> maps from <paramref name="src"/> into <paramref name="dst"/> (no projection).</summary>
    public void Convolve(ReadOnlySpan<float> src, Span<float> dst, int count)
    {
        if (_kernel.IsSeparable)
        {
            _convolution.ConvolveSeparable(src, dst, _scratch, count, _rows, _cols, _kernel.SeparableFactor, _rowTable, _colTable);
        }
        else
        {
            _convolution.ConvolveDirect(src, dst, count, _rows, _cols, _kernel.Weights, _kernel.Size, _rowTable, _colTable);
        }
    }
}
