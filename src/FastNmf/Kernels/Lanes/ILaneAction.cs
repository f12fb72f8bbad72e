namespace FastNmf.Kernels.Lanes;

/// <summary>A call of a width-generic kernel with its arguments, run at the width <see cref="LaneDispatch"/> picks
/// (a struct, so the JIT specialises and inlines the call: no delegate, no allocation).</summary>
internal interface ILaneAction
{
    void Run<TVec, TL>()
        where TVec : struct
        where TL : struct, ILanes<TVec>;
}
