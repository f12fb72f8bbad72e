using FastNmf.Kernels.Convolution;

namespace FastNmf.Constraints;

/// <summary>
/// [·]_H's convolution one scan row at a time, for maps that fill in row by row (a live scan): row r's output needs the
/// rows within the kernel's radius of it, and is then the same sum as the whole-map convolution's (the same border
/// tables, the same kernels: <see cref="MapSmoothing"/> over a one-row slab). Interior rows share one slab's tables;
/// the border rows get their own. Not thread-safe (the slabs own scratch).
/// </summary>
internal sealed class RowMapSmoothing
{
    private readonly ConvolutionKernel _kernel;
    private readonly IMapConvolution _convolution;
    private readonly MapSmoothing?[] _border;
    private readonly MapSmoothing? _interior;
    private readonly int _rows;
    private readonly int _cols;

    /// <exception cref="ArgumentException">the kernel is larger than the scan (as for the whole-map convolution).</exception>
    public RowMapSmoothing(ConvolutionKernel kernel, int scanRows, int scanCols, IMapConvolution convolution)
    {
        _kernel = kernel;
        _convolution = convolution;
        _rows = scanRows;
        _cols = scanCols;
        int radius = kernel.Radius;
        _border = new MapSmoothing?[Math.Min(scanRows, 2 * radius)];
        _interior = scanRows > 2 * radius ? new MapSmoothing(kernel, scanRows, scanCols, radius, 1, convolution) : null;
        // Built now so that a kernel the scan cannot hold fails before the first frame, not mid-scan.
        for (int r = 0; r < scanRows; r++)
        {
            _ = For(r);
        }
    }

    /// <summary>Rows an output reads above and below its own.</summary>
    public int Radius => _kernel.Radius;

    /// <summary>The first source row row <paramref name="row"/>'s output reads.</summary>
    public int FirstSourceRow(int row) => Math.Max(0, row - Radius);

    /// <summary>Convolves row <paramref name="row"/> of one map (<paramref name="map"/>: the whole ScanRows × ScanCols
    /// map, rows within the radius of <paramref name="row"/> present) into <paramref name="output"/> (ScanCols values).</summary>
    public void Smooth(int row, ReadOnlySpan<float> map, Span<float> output)
    {
        MapSmoothing s = For(row);
        s.Convolve(map.Slice((row - s.HaloAbove) * _cols, s.SourceRows * _cols), output[.._cols], 1);
    }

    private MapSmoothing For(int row)
    {
        int radius = _kernel.Radius;
        if (_interior is not null && row >= radius && row < _rows - radius)
        {
            return _interior;
        }

        int slot = row < radius ? row : _border.Length - (_rows - row);
        return _border[slot] ??= new MapSmoothing(_kernel, _rows, _cols, row, 1, _convolution);
    }
}
