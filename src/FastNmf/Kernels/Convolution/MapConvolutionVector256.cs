using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastNmf.Kernels.Convolution;

/// <summary>
/// The separable convolution of <see cref="MapConvolutionScalar"/>, four outputs at a time in double: along a row for
/// the columns whose taps need no reflection (the border columns take the scalar path through the table), down the
/// columns for every column of a destination row (its taps read whole source rows). Bit for bit the scalar kernel: each
/// output is the same double sum in tap order, and a float × float product is exact in double, so the vector's
/// multiply-add rounds exactly where the scalar addition does. Non-separable kernels run the scalar direct path.
/// At k = 30 × ten restarts on 58×58 maps, [·]_H took 9 ms per iteration on the scalar kernel (Emerald Rapids).
/// </summary>
internal sealed class MapConvolutionVector256 : IMapConvolution
{
    private readonly MapConvolutionScalar _scalar = new();

    // Its double sums fuse multiply and add: without FMA hardware the vector path would run them in software.
    public static bool IsSupported => Lanes.LaneWidths.IsAccelerated(Lanes.LaneWidth.Vector256);

    public string Name => nameof(MapConvolutionVector256);

    public void ConvolveSeparable(ReadOnlySpan<float> src, Span<float> dst, Span<float> scratch, int count, int srcRows, int dstRows, int cols,
        ReadOnlySpan<float> factor, ReadOnlySpan<int> rowTable, ReadOnlySpan<int> colTable)
    {
        int taps = factor.Length;
        int radius = taps / 2;
        int srcPlane = srcRows * cols;
        int dstPlane = dstRows * cols;
        Span<float> tmp = scratch[..srcPlane];
        Span<double> weights = stackalloc double[taps];
        for (int t = 0; t < taps; t++)
        {
            weights[t] = factor[taps - 1 - t];
        }

        for (int m = 0; m < count; m++)
        {
            ReadOnlySpan<float> s = src.Slice(m * srcPlane, srcPlane);
            Span<float> d = dst.Slice(m * dstPlane, dstPlane);
            for (int y = 0; y < srcRows; y++)
            {
                Row(s.Slice(y * cols, cols), tmp.Slice(y * cols, cols), weights, colTable, radius);
            }

            for (int y = 0; y < dstRows; y++)
            {
                Column(tmp, d.Slice(y * cols, cols), weights, rowTable.Slice(y * taps, taps), cols);
            }
        }
    }

    public void ConvolveDirect(ReadOnlySpan<float> src, Span<float> dst, int count, int srcRows, int dstRows, int cols,
        ReadOnlySpan<float> kernel, int size, ReadOnlySpan<int> rowTable, ReadOnlySpan<int> colTable) =>
        _scalar.ConvolveDirect(src, dst, count, srcRows, dstRows, cols, kernel, size, rowTable, colTable);

    // out[x] = Σ_t w[t] · row[colTable[x·taps + t]]: the scalar sum at the reflected borders, four at a time between.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row(ReadOnlySpan<float> row, Span<float> output, ReadOnlySpan<double> w, ReadOnlySpan<int> colTable, int radius)
    {
        int cols = row.Length, taps = w.Length;
        int interiorEnd = cols - radius;
        ref float r = ref MemoryMarshal.GetReference(row);
        ref float o = ref MemoryMarshal.GetReference(output);
        int x = 0;
        for (; x < Math.Min(radius, cols); x++)
        {
            Unsafe.Add(ref o, x) = ScalarTap(row, w, colTable.Slice(x * taps, taps));
        }

        // Interior columns: taps x − radius … x + radius all inside the row, so the table is the identity there.
        for (; x + 4 <= interiorEnd; x += 4)
        {
            Vector256<double> sum = Vector256<double>.Zero;
            for (int t = 0; t < taps; t++)
            {
                Vector128<float> v = Vector128.LoadUnsafe(ref r, (nuint)(x + t - radius));
                sum = Vector256.FusedMultiplyAdd(Vector256.Create(w[t]), Vector256.WidenLower(v.ToVector256Unsafe()), sum);
            }

            Vector256.Narrow(sum, sum).GetLower().StoreUnsafe(ref o, (nuint)x);
        }

        for (; x < cols; x++)
        {
            Unsafe.Add(ref o, x) = ScalarTap(row, w, colTable.Slice(x * taps, taps));
        }
    }

    // out[x] = Σ_t w[t] · tmp[rows[t], x] for every x of one destination row.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Column(ReadOnlySpan<float> tmp, Span<float> output, ReadOnlySpan<double> w, ReadOnlySpan<int> rows, int cols)
    {
        int taps = w.Length;
        ref float t0 = ref MemoryMarshal.GetReference(tmp);
        ref float o = ref MemoryMarshal.GetReference(output);
        int x = 0;
        for (; x + 4 <= cols; x += 4)
        {
            Vector256<double> sum = Vector256<double>.Zero;
            for (int t = 0; t < taps; t++)
            {
                Vector128<float> v = Vector128.LoadUnsafe(ref t0, (nuint)((rows[t] * cols) + x));
                sum = Vector256.FusedMultiplyAdd(Vector256.Create(w[t]), Vector256.WidenLower(v.ToVector256Unsafe()), sum);
            }

            Vector256.Narrow(sum, sum).GetLower().StoreUnsafe(ref o, (nuint)x);
        }

        for (; x < cols; x++)
        {
            double sum = 0;
            for (int t = 0; t < taps; t++)
            {
                sum += w[t] * Unsafe.Add(ref t0, (rows[t] * cols) + x);
            }

            Unsafe.Add(ref o, x) = (float)sum;
        }
    }

    private static float ScalarTap(ReadOnlySpan<float> row, ReadOnlySpan<double> w, ReadOnlySpan<int> columns)
    {
        double sum = 0;
        for (int t = 0; t < w.Length; t++)
        {
            sum += w[t] * row[columns[t]];
        }

        return (float)sum;
    }
}
