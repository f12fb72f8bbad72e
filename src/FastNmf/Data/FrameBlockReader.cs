using System.Buffers;
using FastNmf.IO;
using FastNmf.Memory;

namespace FastNmf.Data;

/// <summary>
/// Streams a <see cref="FrameSource"/> into the frame-major rows of X in blocks of a few MiB: read, check every value
/// (finite; non-negative or clipped), gather the kept pixels. The block is the only copy besides X itself.
/// </summary>
internal sealed class FrameBlockReader
{
    // A few MiB per read: large sequential reads for the file, small enough to stay out of the way of X's memory.
    private const int BlockBytes = 4 << 20;

    private readonly FrameSource _source;
    private readonly bool _check;
    private readonly bool _clipNegative;

    public FrameBlockReader(FrameSource source, bool check, bool clipNegative)
    {
        _source = source;
        _check = check;
        _clipNegative = clipNegative;
    }

    /// <summary>Negative values set to 0 so far.</summary>
    public long Clipped { get; private set; }

    /// <summary>Fills row j of <paramref name="x"/> from frame j, keeping the pixels <paramref name="kept"/> lists (all when null).</summary>
    public void ReadInto(MatrixView x, int[]? kept, IProgress<long>? progress) =>
        ForEachFrame(x.Rows, (j, frame) => Gather(frame, kept, x.Row(j)), progress);

    /// <summary>
    /// Fills uint16 frame j (at <paramref name="target"/> + j·<paramref name="stride"/>, padding zeroed) from frame j,
    /// keeping the pixels <paramref name="kept"/> lists; every kept value must be an integer in [0, 65 535].
    /// </summary>
    public unsafe void ReadCounts(ushort* target, long stride, int frames, int[]? kept, IProgress<long>? progress) =>
        ForEachFrame(frames, (j, frame) =>
        {
            var row = new Span<ushort>(target + (j * stride), (int)stride);
            int n = kept?.Length ?? frame.Length;
            for (int u = 0; u < n; u++)
            {
                int pixel = kept is null ? u : kept[u];
                float v = frame[pixel];
                if (!(v <= ushort.MaxValue) || v != MathF.Floor(v))
                {
                    throw new DataFormatException(_source.Path, null, $"element {_source.DescribeElement(j, pixel)} is {v}, not a count: uint16 storage (--storage uint16) holds integers 0–65535 only; use --storage auto or dense.") { NotACount = true };
                }

                row[u] = (ushort)v;
            }

            row[n..].Clear();
        }, progress);

    private delegate void FrameAction(int index, Span<float> frame);

    // Reads the frames in blocks of a few MiB, checks every value, and hands each frame to the action in order.
    private void ForEachFrame(int frames, FrameAction action, IProgress<long>? progress)
    {
        int nDet = _source.FrameLength;
        int perBlock = (int)Math.Clamp(BlockBytes / (4L * nDet), 1, Math.Max(1, frames));
        float[] block = ArrayPool<float>.Shared.Rent(perBlock * nDet);
        try
        {
            for (int first = 0; first < frames; first += perBlock)
            {
                int count = Math.Min(perBlock, frames - first);
                Span<float> span = block.AsSpan(0, count * nDet);
                _source.ReadFrames(first, count, span);
                for (int f = 0; f < count; f++)
                {
                    Span<float> frame = span.Slice(f * nDet, nDet);
                    if (_check)
                    {
                        Check(frame, first + f);
                    }

                    action(first + f, frame);
                }

                progress?.Report(first + count);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(block);
        }
    }

    private void Check(Span<float> frame, long index)
    {
        for (int i = 0; i < frame.Length; i++)
        {
            float v = frame[i];
            if (v >= 0)
            {
                continue;
            }

            // Only NaN, negative values and -∞ get here; +∞ is caught below.
            if (float.IsNaN(v) || float.IsNegativeInfinity(v))
            {
                throw Bad(index, i, $"is {(float.IsNaN(v) ? "NaN" : "-infinity")}; the data must be finite.");
            }

            if (!_clipNegative)
            {
                throw Bad(index, i, $"is negative ({v}); use --clip-negative to set negative values to 0.");
            }

            frame[i] = 0;
            Clipped++;
        }

        int inf = frame.IndexOf(float.PositiveInfinity);
        if (inf >= 0)
        {
            throw Bad(index, inf, "is infinity; the data must be finite.");
        }
    }

    private DataFormatException Bad(long frame, int pixel, string what) =>
        new(_source.Path, null, $"element {_source.DescribeElement(frame, pixel)} {what}");

    private static void Gather(ReadOnlySpan<float> frame, int[]? kept, Span<float> row)
    {
        if (kept is null)
        {
            frame.CopyTo(row);
            return;
        }

        for (int u = 0; u < kept.Length; u++)
        {
            row[u] = frame[kept[u]];
        }
    }
}
