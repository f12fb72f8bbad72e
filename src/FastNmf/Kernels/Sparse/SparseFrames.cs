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
    public static double ZeroFraction(UnfoldedData x) => 1.0 - ((double)CountNonZeros(x) / ((double)x.NXy * x.NUv));

    /// <summary>Builds the sparse copy of <paramref name="x"/> with blocks of <paramref name="blockSize"/> pixels.</summary>
    public static SparseFrames Create(UnfoldedData x, int blockSize)
    {
        if (x.NUv > MaxPixels)
        {
            throw new ArgumentException($"sparse storage addresses at most {MaxPixels} detector pixels; this detector has {x.NUv}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        long nonZeros = CountNonZeros(x);
        int blocks = (x.NUv + blockSize - 1) / blockSize;
        var indices = new AlignedBuffer<ushort>(Math.Max(1, nonZeros), "sparse X indices");
        var values = new AlignedBuffer<float>(Math.Max(1, nonZeros), "sparse X values");
        var segmentStart = new long[(long)blocks * (x.NXy + 1)];
        long p = 0;
        for (int b = 0; b < blocks; b++)
        {
            long row = (long)b * (x.NXy + 1);
            int u0 = b * blockSize;
            int u1 = Math.Min(x.NUv, u0 + blockSize);
            for (int j = 0; j < x.NXy; j++)
            {
                segmentStart[row + j] = p;
                ReadOnlySpan<float> frame = x.Column(j);
                for (int u = u0; u < u1; u++)
                {
                    if (frame[u] != 0f)
                    {
                        indices.Pointer[p] = (ushort)u;
                        values.Pointer[p] = frame[u];
                        p++;
                    }
                }
            }

            segmentStart[row + x.NXy] = p;
        }

        return new SparseFrames(indices, values, segmentStart, x.NXy, x.NUv, blockSize, nonZeros);
    }

    public void Dispose()
    {
        _indices.Dispose();
        _values.Dispose();
    }

    private static long CountNonZeros(UnfoldedData x)
    {
        long n = 0;
        for (int j = 0; j < x.NXy; j++)
        {
            foreach (float v in x.Column(j))
            {
                if (v != 0f)
                {
                    n++;
                }
            }
        }

        return n;
    }
}
