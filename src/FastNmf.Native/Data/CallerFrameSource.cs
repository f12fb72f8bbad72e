using System.Numerics;
using System.Numerics.Tensors;
using FastNmf.IO;

namespace FastNmf.Native.Data;

/// <summary>
/// Frames read straight from a caller's strided buffer (float32 or uint16) — no copy of the whole data set before X is
/// built. Every value is converted to float32 (uint16 exactly) and checked here, so a bad value is reported with the
/// ABI's wording: finite and non-negative, or <see cref="DataFormatException"/> naming the element. Only reads.
/// </summary>
internal sealed unsafe class CallerFrameSource<T> : FrameSource where T : unmanaged, INumberBase<T>
{
    private readonly T* _data;
    private readonly CallerLayout _layout;
    private readonly int _firstRow;

    /// <param name="data">Element (0, 0, 0, 0) of the frames read.</param>
    /// <param name="layout">Their shape and strides.</param>
    /// <param name="firstRow">The scan row of the caller's data these frames start at (errors name elements there).</param>
    public CallerFrameSource(T* data, CallerLayout layout, int firstRow = 0)
        : base("data", "memory", typeof(T) == typeof(ushort) ? "uint16" : "float32", layout.ScanRows, layout.ScanCols, layout.DetRows, layout.DetCols)
    {
        _data = data;
        _layout = layout;
        _firstRow = firstRow;
    }

    /// <inheritdoc/>
    public override string DescribeElement(long frame, int pixel) => base.DescribeElement(frame + ((long)_firstRow * ScanCols), pixel);

    protected override void ReadFramesCore(long first, int count, Span<float> destination)
    {
        CallerLayout l = _layout;
        for (int f = 0; f < count; f++)
        {
            long frame = first + f;
            T* origin = _data + ((frame / ScanCols * l.StrideScanRow) + (frame % ScanCols * l.StrideScanCol));
            Span<float> target = destination.Slice(f * FrameLength, FrameLength);
            for (int u = 0; u < DetRows; u++)
            {
                ReadRow(origin + (u * l.StrideDetRow), l.StrideDetCol, target.Slice(u * DetCols, DetCols));
            }

            Check(target, frame);
        }
    }

    private static void ReadRow(T* row, long stride, Span<float> target)
    {
        if (stride == 1 && typeof(T) == typeof(float))
        {
            new ReadOnlySpan<float>(row, target.Length).CopyTo(target);
            return;
        }

        if (stride == 1)
        {
            var source = new ReadOnlySpan<T>(row, target.Length);
            for (int v = 0; v < target.Length; v++)
            {
                target[v] = float.CreateTruncating(source[v]);
            }

            return;
        }

        for (int v = 0; v < target.Length; v++)
        {
            target[v] = float.CreateTruncating(row[v * stride]);
        }
    }

    // uint16 counts are always valid; float32 values must be finite and non-negative (-0 is fine). Min and Max are
    // vectorized and propagate NaN, so a valid frame costs two fast passes; only a bad one is searched element by element.
    private void Check(ReadOnlySpan<float> frame, long index)
    {
        if (typeof(T) == typeof(ushort) || (TensorPrimitives.Min(frame) >= 0 && float.IsFinite(TensorPrimitives.Max(frame))))
        {
            return;
        }

        for (int i = 0; i < frame.Length; i++)
        {
            float v = frame[i];
            if (!(v >= 0) || float.IsPositiveInfinity(v))
            {
                string what = float.IsFinite(v) ? $"is negative ({v}); the data must be non-negative counts" : $"is {(float.IsNaN(v) ? "NaN" : v > 0 ? "infinity" : "-infinity")}; the data must be finite";
                throw new DataFormatException(Path, null, $"element {DescribeElement(index, i)} {what}.");
            }
        }
    }
}
