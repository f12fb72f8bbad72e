using FastNmf.Data;
using FastNmf.Memory;

namespace FastNmf.Kernels.Sparse;

/// <summary>
/// X with its zeros dropped, stored block-major: the detector is cut into blocks of <see cref="BlockSize"/> pixels and,
/// block after block, every frame's nonzero pixels in that block follow each other (ascending uint16 detector index, so
/// n_uv ≤ 65 536, and the value). A kernel keeps one block's slice of an n_uv-long accumulator in L2 while it streams
/// the block's entries for all frames strictly sequentially — frame-major storage would instead read thousands of short
/// scattered runs per block, and every run would start with a cache miss.
/// Counted electron data is mostly zeros (62 % in the paper's simulated set), so this holds ~⅖ of the values at 6 bytes
/// each instead of all of them at 4.
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

    /// <summary>Fraction of zero values in <paramref name="x"/> (over unmasked pixels).</summary>
    public static double ZeroFraction(UnfoldedData x) => 1.0 - ((double)x.NonZeros / ((double)x.NXy * x.NUv));

    /// <summary>Builds the sparse copy of <paramref name="x"/> with blocks of <paramref name="blockSize"/> pixels: the
    /// entries per (block, frame) are counted in parallel over frames, offset, then placed in parallel over frames
    /// (every frame writes its own segments).</summary>
    public static SparseFrames Create(UnfoldedData x, int blockSize)
    {
        if (x.NUv > MaxPixels)
        {
            throw new ArgumentException($"sparse storage addresses at most {MaxPixels} detector pixels; this detector has {x.NUv}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        long nonZeros = x.NonZeros;
        int blocks = (x.NUv + blockSize - 1) / blockSize;
        int frames = x.NXy;
        var indices = new AlignedBuffer<ushort>(Math.Max(1, nonZeros), "sparse X indices");
        var values = new AlignedBuffer<float>(Math.Max(1, nonZeros), "sparse X values");
        try
        {
            // segmentStart[b·(F+1) + j] first holds the count of frame j in block b, then its offset.
            var segmentStart = new long[(long)blocks * (frames + 1)];
            Parallel.For(0, frames, j =>
            {
                ReadOnlySpan<float> frame = x.Column(j);
                for (int b = 0; b < blocks; b++)
                {
                    int u0 = b * blockSize;
                    int u1 = Math.Min(frame.Length, u0 + blockSize);
                    int n = 0;
                    for (int u = u0; u < u1; u++)
                    {
                        n += frame[u] != 0f ? 1 : 0;
                    }

                    segmentStart[((long)b * (frames + 1)) + j] = n;
                }
            });

            long p = SegmentOffsets.FromCounts(segmentStart, blocks, frames);
            if (p != nonZeros)
            {
                throw new InvalidOperationException($"sparse copy counted {p} nonzeros, the data scan {nonZeros}.");
            }

            ushort* idx = indices.Pointer;
            float* val = values.Pointer;
            Parallel.For(0, frames, j =>
            {
                ReadOnlySpan<float> frame = x.Column(j);
                for (int b = 0; b < blocks; b++)
                {
                    long at = segmentStart[((long)b * (frames + 1)) + j];
                    int u0 = b * blockSize;
                    int u1 = Math.Min(frame.Length, u0 + blockSize);
                    for (int u = u0; u < u1; u++)
                    {
                        if (frame[u] != 0f)
                        {
                            idx[at] = (ushort)u;
                            val[at] = frame[u];
                            at++;
                        }
                    }
                }
            });

            return new SparseFrames(indices, values, segmentStart, frames, x.NUv, blockSize, nonZeros);
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
