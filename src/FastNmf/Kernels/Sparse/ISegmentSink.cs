namespace FastNmf.Kernels.Sparse;

/// <summary>Where a segment's lane sums go: added to a float32 partial, or folded exactly into double accumulators.</summary>
internal interface ISegmentSink
{
    static abstract bool Folds { get; }
}

/// <summary>d[0..lanes) += the segment's sums (a partial in float32).</summary>
internal readonly struct AddToPartial : ISegmentSink
{
    public static bool Folds => false;
}

/// <summary>The segment's sums rounded onto their grids and added to double accumulators (<see cref="Reductions.ExactFold"/>).</summary>
internal readonly struct FoldToAccumulator : ISegmentSink
{
    public static bool Folds => true;
}
