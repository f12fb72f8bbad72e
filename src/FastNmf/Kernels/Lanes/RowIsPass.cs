namespace FastNmf.Kernels.Lanes;

/// <summary>The row is exactly one pass long.</summary>
internal readonly struct RowIsPass : IRowLength
{
    public static bool OnePass => true;
}
