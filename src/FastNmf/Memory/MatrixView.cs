namespace FastNmf.Memory;

/// <summary>
/// A row-major view (no ownership) of a matrix in unmovable memory: <c>Rows × Cols</c> with a row
/// <c>Stride</c> in elements. Being a plain struct over a pointer, it can be stored in the work items that
/// worker threads run, which a span cannot.
/// </summary>
internal readonly unsafe struct MatrixView
{
    public MatrixView(float* data, int rows, int cols, long stride)
    {
        if (rows < 0 || cols < 0 || stride < cols)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), $"view {rows}×{cols} with stride {stride} is invalid.");
        }

        Data = data;
        Rows = rows;
        Cols = cols;
        Stride = stride;
    }

    public float* Data { get; }

    public int Rows { get; }

    public int Cols { get; }

    public long Stride { get; }

    public static MatrixView Over(AlignedBuffer<float> buffer, int rows, int cols, long stride)
    {
        if ((long)rows * stride > buffer.Length && rows > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"{rows}×{stride} exceeds a buffer of {buffer.Length}.");
        }

        return new MatrixView(buffer.Pointer, rows, cols, stride);
    }

    public float* RowPointer(int row) => Data + row * Stride;

    public Span<float> Row(int row) => new(Data + row * Stride, Cols);

    /// <summary>Columns <paramref name="start"/>.. of every row, same stride.</summary>
    public MatrixView ColumnSlice(int start, int count) => new(Data + start, Rows, count, Stride);

    /// <summary>Rows <paramref name="start"/>.. , same columns and stride.</summary>
    public MatrixView RowSlice(int start, int count) => new(Data + start * Stride, count, Cols, Stride);
}
