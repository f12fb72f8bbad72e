using System.Numerics;
using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>
/// X with its zeros dropped, stored block-major for W·Xᵀ: the detector is cut into blocks of <see cref="BlockSize"/>
/// pixels and, block after block, every frame's nonzero pixels in that block follow each other (ascending uint16
/// detector index, so n_uv ≤ 65 536, and the value). A kernel keeps one block's slice of W's lane rows cached while it
/// streams the block's entries for all frames strictly sequentially. Counted electron data is mostly zeros (62 % in
/// the paper's simulated set), so this holds ~⅖ of the values at 6 bytes each instead of all of them at 4.
/// </summary>
internal sealed unsafe class SparseFrames : IDisposable
{
    private readonly AlignedBuffer<ushort> _indices;
    private readonly AlignedBuffer<float> _values;

    private SparseFrames(AlignedBuffer<ushort> indices, AlignedBuffer<float> values, long[] segmentStart, int frames, int pixels, int blockSize, long nonZeros)
    {
        _indices = indices;
        _values = values;
        SegmentStart = segmentStart;
        Frames = frames;
        Pixels = pixels;
        BlockSize = blockSize;
        Blocks = (pixels + blockSize - 1) / blockSize;
        NonZeros = nonZeros;
    }

    public int Frames { get; }

    public int Pixels { get; }

    public int BlockSize { get; }

    public int Blocks { get; }

    public long NonZeros { get; }

    /// <summary>Offsets, <c>Blocks × (Frames + 1)</c>: frame j's entries in block b are
    /// [<c>SegmentStart[b·(Frames+1) + j]</c>, <c>SegmentStart[b·(Frames+1) + j + 1]</c>).</summary>
    public long[] SegmentStart { get; }

    public ushort* Indices => _indices.Pointer;

    public float* Values => _values.Pointer;

    /// <summary>The largest detector the uint16 indices can address.</summary>
    public const int MaxPixels = ushort.MaxValue + 1;

    /// <summary>Builds the sparse copy of <paramref name="frames"/> frames at <paramref name="data"/> with blocks of
    /// <paramref name="blockSize"/> pixels: the entries per (block, frame) are counted in parallel over frames, offset,
    /// then placed in parallel over frames (every frame writes its own segments).</summary>
    public static SparseFrames Create<T>(T* data, long stride, int frames, int pixels, int blockSize)
        where T : unmanaged, INumberBase<T>
    {
        if (pixels > MaxPixels)
        {
            throw new ArgumentException($"sparse storage addresses at most {MaxPixels} detector pixels; this detector has {pixels}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        int blocks = (pixels + blockSize - 1) / blockSize;
        // segmentStart[b·(F+1) + j] first holds the count of frame j in block b, then its offset.
        var segmentStart = new long[(long)blocks * (frames + 1)];
        Parallel.For(0, frames, j =>
        {
            T* frame = data + (j * stride);
            for (int b = 0; b < blocks; b++)
            {
                int u1 = Math.Min(pixels, (b + 1) * blockSize);
                long n = 0;
                for (int u = b * blockSize; u < u1; u++)
                {
                    n += SparsePlacement.NonZero(frame[u]);
                }

                segmentStart[((long)b * (frames + 1)) + j] = n;
            }
        });

        long nonZeros = SegmentOffsets.FromCounts(segmentStart, blocks, frames);
        // One slot past the entries takes the zeros' writes (see SparsePlacement).
        var indices = new AlignedBuffer<ushort>(nonZeros + 1, "sparse X indices");
        var values = new AlignedBuffer<float>(nonZeros + 1, "sparse X values");
        try
        {
            ushort* idx = indices.Pointer;
            float* val = values.Pointer;
            Parallel.For(0, frames, j =>
            {
                T* frame = data + (j * stride);
                for (int b = 0; b < blocks; b++)
                {
                    long at = segmentStart[((long)b * (frames + 1)) + j];
                    int u1 = Math.Min(pixels, (b + 1) * blockSize);
                    for (int u = b * blockSize; u < u1; u++)
                    {
                        long nz = SparsePlacement.NonZero(frame[u]);
                        long to = SparsePlacement.Slot(at, nz, nonZeros);
                        idx[to] = (ushort)u;
                        val[to] = float.CreateTruncating(frame[u]);
                        at += nz;
                    }
                }
            });

            return new SparseFrames(indices, values, segmentStart, frames, pixels, blockSize, nonZeros);
        }
        catch
        {
            indices.Dispose();
            values.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _indices.Dispose();
        _values.Dispose();
    }
}
