using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>One tile of the W-step product for one block of frames: <c>tile += H_b · X_b[:, col0 .. col0 + tile.Cols)</c>,
/// H_b being the columns [frame0, frame0 + frames) of h. Single-threaded; the caller partitions.</summary>
internal interface IDenseTileProduct
{
    void Accumulate(MatrixView h, int frame0, int frames, int col0, MatrixView tile);
}
