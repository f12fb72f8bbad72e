using System.Runtime.Intrinsics;

namespace FastNmf.Kernels.Lanes;

/// <summary>The one place a run-time <see cref="LaneWidth"/> becomes a compile-time width: every lane kernel is entered
/// through <see cref="Run"/>.</summary>
internal static class LaneDispatch
{
    public static void Run<TAction>(LaneWidth width, TAction action)
        where TAction : struct, ILaneAction
    {
        switch (width)
        {
            case LaneWidth.Vector512:
                action.Run<Vector512<float>, Lanes512>();
                break;
            case LaneWidth.Vector256:
                action.Run<Vector256<float>, Lanes256>();
                break;
            default:
                action.Run<float, LanesScalar>();
                break;
        }
    }
}
