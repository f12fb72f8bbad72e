namespace FastNmf.Kernels.Sparse;

/// <summary>Where a segment's lane sums go: added to a float32 row, or folded exactly into double accumulators.</summary>
internal interface ISegmentSink
{
    static abstract bool Folds { get; }
}

/// <summary>acc[r, 0..T) += the segment's sums (a partial in float32).</summary>
internal readonly struct AddToRow : ISegmentSink
{
    public static bool Folds => false;
}

/// <summary>The segment's sums rounded onto their grids and added to double accumulators (<see cref="Reductions.ExactFold"/>):
/// the same bits as adding them to a cleared float32 partial and folding that.</summary>
internal readonly struct FoldToAccumulator : ISegmentSink
{
    public static bool Folds => true;
}
