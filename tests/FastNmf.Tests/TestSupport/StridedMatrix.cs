using FastNmf.Memory;

namespace FastNmf.Tests.TestSupport;

/// <summary>A matrix in an <see cref="AlignedBuffer{T}"/>: data in the first Cols of each Stride, padding (NaN for
/// inputs) everywhere else, including a tail after the last row.</summary>
internal sealed class StridedMatrix
{
    public StridedMatrix(AlignedBuffer<float> buffer, int rows, int cols, long stride)
    {
        Buffer = buffer;
        Rows = rows;
        Cols = cols;
        Stride = stride;
    }

    public AlignedBuffer<float> Buffer { get; }

    public int Rows { get; }

    public int Cols { get; }

    public long Stride { get; }

    public MatrixView View => MatrixView.Over(Buffer, Rows, Cols, Stride);

    public float Get(int row, int col) => Buffer.AsSpan()[(int)((row * Stride) + col)];

    public void Set(int row, int col, float value) => Buffer.AsSpan()[(int)((row * Stride) + col)] = value;

    public double[] Dense()
    {
        var d = new double[Rows * Cols];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Cols; c++)
            {
                d[(r * Cols) + c] = Get(r, c);
            }
        }

        return d;
    }
}
