using System.Runtime.Intrinsics;
using FastNmf.Kernels.Lanes;
using FastNmf.Memory;

namespace FastNmf.Kernels.Dense;

/// <summary>The <see cref="DenseLaneKernels"/> at a lane width chosen at run time, for either element type.</summary>
internal static unsafe class DenseLanes
{
    /// <inheritdoc cref="DenseLaneKernels.ProjectWX{TVec, TL, T, TE}"/>
    public static void ProjectWX<T, TE>(LaneWidth width, MatrixView w, T* x, long xStride, int frames, MatrixView dst)
        where T : unmanaged
        where TE : struct, IXElement<T>
    {
        switch (width)
        {
            case LaneWidth.Vector512:
                DenseLaneKernels.ProjectWX<Vector512<float>, Lanes512, T, TE>(w, x, xStride, frames, dst);
                break;
            case LaneWidth.Vector256:
                DenseLaneKernels.ProjectWX<Vector256<float>, Lanes256, T, TE>(w, x, xStride, frames, dst);
                break;
            default:
                DenseLaneKernels.ProjectWX<float, LanesScalar, T, TE>(w, x, xStride, frames, dst);
                break;
        }
    }

    /// <inheritdoc cref="DenseLaneKernels.AccumulateHX{TVec, TL, T, TE}"/>
    public static void AccumulateHX<T, TE>(LaneWidth width, MatrixView h, T* x, long xStride, int frames, MatrixView acc)
        where T : unmanaged
        where TE : struct, IXElement<T>
    {
        switch (width)
        {
            case LaneWidth.Vector512:
                DenseLaneKernels.AccumulateHX<Vector512<float>, Lanes512, T, TE>(h, x, xStride, frames, acc);
                break;
            case LaneWidth.Vector256:
                DenseLaneKernels.AccumulateHX<Vector256<float>, Lanes256, T, TE>(h, x, xStride, frames, acc);
                break;
            default:
                DenseLaneKernels.AccumulateHX<float, LanesScalar, T, TE>(h, x, xStride, frames, acc);
                break;
        }
    }
}
