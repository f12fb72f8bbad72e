using FastNmf.Data;
using FastNmf.Memory;

namespace FastNmf.Kernels.Sparse;

/// <summary>
/// X's nonzeros pixel-major, for H·X: the frames are cut into blocks of <see cref="BlockSize"/> and, block after block,
/// every detector pixel's nonzeros in that block follow each other (frame index within the block as uint16, and the
/// value). A kernel then keeps one block of H's lane rows in L1 and accumulates each pixel's row of H·X in registers —
/// no store per nonzero, which is what limits the frame-major layout for this product.
/// </summary>
internal sealed unsafe class SparsePixels : IDisposable
{
    private readonly AlignedBuffer<ushort> _frames;
    private readonly AlignedBuffer<float> _values;

    private SparsePixels(AlignedBuffer<ushort> frames, AlignedBuffer<float> values, long[] segmentStart, int frameCount, int pixels, int blockSize)
    {
        _frames = frames;
        _values = values;
        SegmentStart = segmentStart;
        Frames = frameCount;
        Pixels = pixels;
        BlockSize = blockSize;
        Blocks = (frameCount + blockSize - 1) / blockSize;
    }

    public int Frames { get; }

    public int Pixels { get; }

    /// <summary>Frames per block (≤ 65 536, so a frame index within its block fits uint16).</summary>
    public int BlockSize { get; }

    public int Blocks { get; }

    /// <summary>Offsets, <c>Blocks × (Pixels + 1)</c>: pixel u's entries in frame block b are
    /// [<c>SegmentStart[b·(Pixels+1) + u]</c>, <c>SegmentStart[b·(Pixels+1) + u + 1]</c>).</summary>
    public long[] SegmentStart { get; }

    /// <summary>Frame index of each entry, relative to the first frame of its block.</summary>
    public ushort* FrameInBlock => _frames.Pointer;

    public float* Values => _values.Pointer;

    public static SparsePixels Create(UnfoldedData x, int blockSize, long nonZeros)
    {
        blockSize = Math.Clamp(blockSize, 1, ushort.MaxValue + 1);
        int blocks = (x.NXy + blockSize - 1) / blockSize;
        var frames = new AlignedBuffer<ushort>(Math.Max(1, nonZeros), "sparse X frame indices (pixel-major)");
        var values = new AlignedBuffer<float>(Math.Max(1, nonZeros), "sparse X values (pixel-major)");
        var segmentStart = new long[(long)blocks * (x.NUv + 1)];
        try
        {
            int pixels = x.NUv;

            // Count per (frame block, pixel) in parallel over blocks, offset in order, then place in parallel over
            // blocks: each block writes its own segments, and a pixel's entries stay in ascending frame order.
            Parallel.For(0, blocks, b =>
            {
                long row = (long)b * (pixels + 1);
                int j0 = b * blockSize;
                int j1 = Math.Min(x.NXy, j0 + blockSize);
                for (int j = j0; j < j1; j++)
                {
                    ReadOnlySpan<float> frame = x.Column(j);
                    for (int u = 0; u < frame.Length; u++)
                    {
                        segmentStart[row + u] += frame[u] != 0f ? 1 : 0;
                    }
                }
            });

            long p = SegmentOffsets.FromCounts(segmentStart, blocks, pixels);

            ushort* frameIndex = frames.Pointer;
            float* val = values.Pointer;
            Parallel.For(0, blocks, b =>
            {
                long row = (long)b * (pixels + 1);
                var cursor = new long[pixels];
                Array.Copy(segmentStart, row, cursor, 0, pixels);
                int j0 = b * blockSize;
                int j1 = Math.Min(x.NXy, j0 + blockSize);
                for (int j = j0; j < j1; j++)
                {
                    ReadOnlySpan<float> frame = x.Column(j);
                    for (int u = 0; u < frame.Length; u++)
                    {
                        if (frame[u] != 0f)
                        {
                            long at = cursor[u]++;
                            frameIndex[at] = (ushort)(j - j0);
                            val[at] = frame[u];
                        }
                    }
                }
            });

            if (p != nonZeros)
            {
                throw new InvalidOperationException($"pixel-major copy holds {p} entries, the frame-major one {nonZeros}.");
            }

            return new SparsePixels(frames, values, segmentStart, x.NXy, x.NUv, blockSize);
        }
        catch
        {
            frames.Dispose();
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
