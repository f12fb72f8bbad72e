using FastNmf.Memory;

namespace FastNmf.Tests.TestSupport;

/// <summary>Makes <see cref="StridedMatrix"/> test operands (random data, padding poisoned) and disposes them all.</summary>
internal sealed class StridedMatrixPool : IDisposable
{
    private const int Tail = 16;
    private readonly List<AlignedBuffer<float>> _buffers = [];

    public StridedMatrix Matrix(int rows, int cols, StrideKind kind, Random random, double low, double high, float padding = float.NaN)
    {
        long stride = kind == StrideKind.RoundedUp16 ? ((cols / 16) + 1) * 16 : cols + 3;
        StridedMatrix s = Allocate(rows, cols, stride, padding);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                s.Set(r, c, (float)(low + ((high - low) * random.NextDouble())));
            }
        }

        return s;
    }

    public StridedMatrix Copy(StridedMatrix source)
    {
        StridedMatrix s = Allocate(source.Rows, source.Cols, source.Stride, float.NaN);
        source.Buffer.AsSpan().CopyTo(s.Buffer.AsSpan());
        return s;
    }

    public StridedMatrix From(int rows, int cols, float[] values)
    {
        StridedMatrix s = Allocate(rows, cols, cols + 3, float.NaN);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                s.Set(r, c, values[(r * cols) + c]);
            }
        }

        return s;
    }

    public void Dispose()
    {
        foreach (AlignedBuffer<float> b in _buffers)
        {
            b.Dispose();
        }

        _buffers.Clear();
    }

    private StridedMatrix Allocate(int rows, int cols, long stride, float padding)
    {
        var buffer = new AlignedBuffer<float>((rows * stride) + Tail, "test matrix");
        _buffers.Add(buffer);
        buffer.AsSpan().Fill(padding);
        return new StridedMatrix(buffer, rows, cols, stride);
    }
}
