using FastNmf.Kernels.Convolution;

namespace FastNmf.Constraints;

/// <summary>
/// The convolution of the map constraint [·]_H: every map convolved with the resolution kernel under reflect borders
/// (separable when the kernel is); the projection onto the nonnegative orthant is the caller's. Works on whole maps or
/// on one rank's slab of scan rows [<see cref="FirstRow"/>, FirstRow + <see cref="Rows"/>): the source then holds
/// <see cref="HaloAbove"/> of the previous slab's rows above and <see cref="HaloBelow"/> of the next one's below, and
/// every output is the same sum as in the whole map. Border tables are built once; not thread-safe (owns scratch).
/// </summary>
internal sealed class MapSmoothing
{
    private readonly ConvolutionKernel _kernel;
    private readonly IMapConvolution _convolution;
    private readonly int[] _rowTable;
    private readonly int[] _colTable;
    private readonly float[] _scratch;
    private readonly int _cols;

    /// <summary>Smoothing of whole <paramref name="rows"/> × <paramref name="cols"/> maps.</summary>
    public MapSmoothing(ConvolutionKernel kernel, int rows, int cols, IMapConvolution convolution)
        : this(kernel, rows, cols, 0, rows, convolution)
    {
    }

    /// <summary>Smoothing of rows [<paramref name="firstRow"/>, firstRow + <paramref name="rows"/>) of
    /// <paramref name="scanRows"/> × <paramref name="cols"/> maps.</summary>
    /// <exception cref="ArgumentException">the kernel reaches past the rows next to the slab (a slab thinner than the
    /// kernel's radius, or a scan shorter than it).</exception>
    public MapSmoothing(ConvolutionKernel kernel, int scanRows, int cols, int firstRow, int rows, IMapConvolution convolution)
    {
        _kernel = kernel;
        _convolution = convolution;
        _cols = cols;
        ScanRows = scanRows;
        FirstRow = firstRow;
        Rows = rows;
        int radius = kernel.Radius;
        int taps = (2 * radius) + 1;
        int sourceFirst = Math.Max(0, firstRow - radius);
        int sourceEnd = Math.Min(scanRows, firstRow + rows + radius);
        HaloAbove = firstRow - sourceFirst;
        HaloBelow = sourceEnd - (firstRow + rows);
        SourceRows = sourceEnd - sourceFirst;
        _rowTable = new int[rows * taps];
        for (int y = 0; y < rows; y++)
        {
            for (int t = 0; t < taps; t++)
            {
                int g = ReflectBorder.Fold(firstRow + y + t - radius, scanRows);
                if (g < sourceFirst || g >= sourceEnd)
                {
                    throw new ArgumentException(
                        $"the map kernel ({kernel.Size}×{kernel.Size}) reaches scan row {g} from row {firstRow + y}, beyond the {radius} row(s) next to scan rows [{firstRow}, {firstRow + rows}) of {scanRows}: use a smaller kernel or fewer processes.");
                }

                _rowTable[(y * taps) + t] = g - sourceFirst;
            }
        }

        _colTable = ReflectBorder.Table(cols, radius);
        _scratch = new float[SourceRows * cols];
    }

    public int ScanRows { get; }

    /// <summary>Columns of every map.</summary>
    public int Cols => _cols;

    /// <summary>The kernel's radius: rows it reads above and below an output.</summary>
    public int Radius => _kernel.Radius;

    public int FirstRow { get; }

    /// <summary>Rows of each destination map.</summary>
    public int Rows { get; }

    /// <summary>Rows of the previous slab the source holds above this slab's.</summary>
    public int HaloAbove { get; }

    /// <summary>Rows of the next slab the source holds below this slab's.</summary>
    public int HaloBelow { get; }

    /// <summary>Rows of each source map: HaloAbove + Rows + HaloBelow.</summary>
    public int SourceRows { get; }

    /// <summary>Convolves <paramref name="count"/> maps from <paramref name="src"/> (count × SourceRows × cols) into
    /// <paramref name="dst"/> (count × Rows × cols); no projection.</summary>
    public void Convolve(ReadOnlySpan<float> src, Span<float> dst, int count)
    {
        if (_kernel.IsSeparable)
        {
            _convolution.ConvolveSeparable(src, dst, _scratch, count, SourceRows, Rows, _cols, _kernel.SeparableFactor, _rowTable, _colTable);
        }
        else
        {
            _convolution.ConvolveDirect(src, dst, count, SourceRows, Rows, _cols, _kernel.Weights, _kernel.Size, _rowTable, _colTable);
        }
    }
}
