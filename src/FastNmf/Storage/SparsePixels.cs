using System.Numerics;
using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>
/// X's nonzeros pixel-major, for H·X: the local frames are cut into frame blocks that nest in the scan's canonical
/// blocks (each canonical block into sub-blocks of a fixed number of frames) and, block after block, every detector
/// pixel's nonzeros in that block follow each other (frame index within the block as uint16, and the value). A kernel
/// keeps one block of H's lane rows in cache and accumulates each pixel's row of H·X in registers; the partial of a
/// canonical block is complete when its last sub-block is done, and is then folded exactly.
/// </summary>
internal sealed unsafe class SparsePixels : IDisposable
{
    private readonly AlignedBuffer<ushort> _frames;
    private readonly AlignedBuffer<float> _values;

    private SparsePixels(AlignedBuffer<ushort> frames, AlignedBuffer<float> values, long[] segmentStart, int[] blockStart, int[] canonicalFirstBlock, int frameCount, int pixels, long nonZeros)
    {
        _frames = frames;
        _values = values;
        SegmentStart = segmentStart;
        BlockStart = blockStart;
        CanonicalFirstBlock = canonicalFirstBlock;
        Frames = frameCount;
        Pixels = pixels;
        NonZeros = nonZeros;
    }

    public int Frames { get; }

    public int Pixels { get; }

    public long NonZeros { get; }

    /// <summary>Frame blocks (sub-blocks of the canonical blocks).</summary>
    public int Blocks => BlockStart.Length - 1;

    /// <summary>First local frame of each block, and the end as the last entry.</summary>
    public int[] BlockStart { get; }

    /// <summary>Block index of the first block of each canonical block, and the end as the last entry.</summary>
    public int[] CanonicalFirstBlock { get; }

    /// <summary>Offsets, <c>Blocks × (Pixels + 1)</c>: pixel u's entries in block b are
    /// [<c>SegmentStart[b·(Pixels+1) + u]</c>, <c>SegmentStart[b·(Pixels+1) + u + 1]</c>).</summary>
    public long[] SegmentStart { get; }

    /// <summary>Frame index of each entry, relative to the first frame of its block.</summary>
    public ushort* FrameInBlock => _frames.Pointer;

    public float* Values => _values.Pointer;

    /// <summary>
    /// The pixel-major copy of <paramref name="frames"/> frames of <paramref name="pixels"/> values each at
    /// <paramref name="data"/> (row stride <paramref name="stride"/>), the canonical blocks <paramref name="canonical"/>
    /// cut into sub-blocks of <paramref name="subFrames"/> frames. Counted per (block, pixel) in parallel over blocks,
    /// offset, then placed in parallel over blocks (each block writes its own segments).
    /// </summary>
    public static SparsePixels Create<T>(T* data, long stride, int frames, int pixels, (int Start, int Count)[] canonical, int subFrames)
        where T : unmanaged, INumberBase<T>
    {
        subFrames = Math.Clamp(subFrames, 1, ushort.MaxValue + 1);
        var starts = new List<int>();
        var firstOfCanonical = new int[canonical.Length + 1];
        for (int c = 0; c < canonical.Length; c++)
        {
            firstOfCanonical[c] = starts.Count;
            for (int j = 0; j < canonical[c].Count; j += subFrames)
            {
                starts.Add(canonical[c].Start + j);
            }
        }

        firstOfCanonical[canonical.Length] = starts.Count;
        starts.Add(frames);
        int[] blockStart = starts.ToArray();
        int blocks = blockStart.Length - 1;
        var segmentStart = new long[(long)blocks * (pixels + 1)];
        Parallel.For(0, blocks, b =>
        {
            long row = (long)b * (pixels + 1);
            for (int j = blockStart[b]; j < blockStart[b + 1]; j++)
            {
                T* frame = data + (j * stride);
                for (int u = 0; u < pixels; u++)
                {
                    segmentStart[row + u] += SparsePlacement.NonZero(frame[u]);
                }
            }
        });

        long nonZeros = SegmentOffsets.FromCounts(segmentStart, blocks, pixels);
        // One slot past the entries takes the zeros' writes (see SparsePlacement).
        var frameIndex = new AlignedBuffer<ushort>(nonZeros + 1, "sparse X frame indices (pixel-major)");
        var values = new AlignedBuffer<float>(nonZeros + 1, "sparse X values (pixel-major)");
        try
        {
            ushort* fi = frameIndex.Pointer;
            float* val = values.Pointer;
            Parallel.For(0, blocks, b =>
            {
                long row = (long)b * (pixels + 1);
                var cursor = new long[pixels];
                Array.Copy(segmentStart, row, cursor, 0, pixels);
                int j0 = blockStart[b];
                for (int j = j0; j < blockStart[b + 1]; j++)
                {
                    T* frame = data + (j * stride);
                    for (int u = 0; u < pixels; u++)
                    {
                        long nz = SparsePlacement.NonZero(frame[u]);
                        long to = SparsePlacement.Slot(cursor[u], nz, nonZeros);
                        fi[to] = (ushort)(j - j0);
                        val[to] = float.CreateTruncating(frame[u]);
                        cursor[u] += nz;
                    }
                }
            });

            return new SparsePixels(frameIndex, values, segmentStart, blockStart, firstOfCanonical, frames, pixels, nonZeros);
        }
        catch
        {
            frameIndex.Dispose();
            values.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _frames.Dispose();
        _values.Dispose();
    }
}
