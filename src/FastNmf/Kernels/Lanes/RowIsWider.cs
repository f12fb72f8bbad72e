namespace FastNmf.Kernels.Lanes;

/// <summary>The row takes several passes; its length is the run-time <c>lanes</c>.</summary>
internal readonly struct RowIsWider : IRowLength
{
    public static bool OnePass => false;
}
