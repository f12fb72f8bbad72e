using FastNmf.Kernels.Lanes;
using FastNmf.Memory;

namespace FastNmf.Kernels.Dense;

/// <summary>The <see cref="DenseLaneKernels"/> at a lane width chosen at run time, for either element type.</summary>
internal static unsafe class DenseLanes
{
    /// <inheritdoc cref="DenseLaneKernels.ProjectWX{TVec, TL, T, TE}"/>
    public static void ProjectWX<T, TE>(LaneWidth width, MatrixView w, T* x, long xStride, int frames, MatrixView dst)
        where T : unmanaged
        where TE : struct, IXElement<T> =>
        LaneDispatch.Run(width, new Project<T, TE>(w, x, xStride, frames, dst));

    /// <inheritdoc cref="DenseLaneKernels.AccumulateHX{TVec, TL, T, TE}"/>
    public static void AccumulateHX<T, TE>(LaneWidth width, MatrixView h, T* x, long xStride, int frames, MatrixView acc)
        where T : unmanaged
        where TE : struct, IXElement<T> =>
        LaneDispatch.Run(width, new Accumulate<T, TE>(h, x, xStride, frames, acc));

    private readonly struct Project<T, TE>(MatrixView w, T* x, long xStride, int frames, MatrixView dst) : ILaneAction
        where T : unmanaged
        where TE : struct, IXElement<T>
    {
        public void Run<TVec, TL>()
            where TVec : struct
            where TL : struct, ILanes<TVec> =>
            DenseLaneKernels.ProjectWX<TVec, TL, T, TE>(w, x, xStride, frames, dst);
    }

    private readonly struct Accumulate<T, TE>(MatrixView h, T* x, long xStride, int frames, MatrixView acc) : ILaneAction
        where T : unmanaged
        where TE : struct, IXElement<T>
    {
        public void Run<TVec, TL>()
            where TVec : struct
            where TL : struct, ILanes<TVec> =>
            DenseLaneKernels.AccumulateHX<TVec, TL, T, TE>(h, x, xStride, frames, acc);
    }
}
