using System.Numerics;
using FastNmf.Kernels.Dense;
using FastNmf.Kernels.Lanes;
using FastNmf.Kernels.Reductions;
using FastNmf.Memory;

namespace FastNmf;

/// <summary>
/// The projection of a block of frames (kept pixels, contiguous rows of X) onto a model's W, shared by the whole-scan
/// projection and the per-call projector: <c>b = W x</c> by the dense lane kernels (float32 or uint16 frames, read in
/// place), <c>raw = (WᵀW)⁻¹ b</c>, and ‖x‖² in double; the residual of any h then costs k² per frame:
/// <c>‖x − Wh‖² = ‖x‖² − 2 hᵀb + hᵀ(WᵀW)h</c>.
/// </summary>
internal static unsafe class FrameProjection
{
    /// <summary>b, raw (k × count, component-major) and ‖x_j‖² for <paramref name="count"/> frames at <paramref name="x"/>.</summary>
    public static void Solve<T, TE>(NmfModel model, LaneWidth width, T* x, long xStride, int count, MatrixView b, MatrixView raw, Span<double> squares)
        where T : unmanaged, INumberBase<T>
        where TE : struct, IXElement<T>
    {
        DenseLanes.ProjectWX<T, TE>(width, model.WView, x, xStride, count, b);
        model.Kernels.Products.MultiplySmall(model.GramInverse, b, raw);
        int n = model.Pixels.KeptCount;
        for (int j = 0; j < count; j++)
        {
            T* f = x + (j * xStride);
            squares[j] = typeof(T) == typeof(ushort)
                ? SumOfSquares.OfUInt16((ushort*)f, n)
                : DoubleReductions.Dot(new ReadOnlySpan<float>(f, n), new ReadOnlySpan<float>(f, n));
        }
    }

    /// <summary>‖x − Wh‖² of frame j of a block from its ‖x‖², b's column j and h's column j (both k × count views).</summary>
    public static double Residual(NmfModel model, double squares, MatrixView b, MatrixView h, int j)
    {
        int k = model.Components;
        ReadOnlySpan<double> g = model.Gram;
        double cross = 0, quad = 0;
        for (int c = 0; c < k; c++)
        {
            double hc = h.RowPointer(c)[j];
            cross += hc * b.RowPointer(c)[j];
            double row = 0;
            for (int d = 0; d < k; d++)
            {
                row += g[(c * k) + d] * h.RowPointer(d)[j];
            }

            quad += hc * row;
        }

        return Math.Max(0, squares - (2 * cross) + quad);
    }
}
