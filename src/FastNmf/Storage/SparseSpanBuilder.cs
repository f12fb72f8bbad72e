using System.Numerics;
using System.Runtime.CompilerServices;
using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>
/// Builds the two <see cref="SparseSpans{TValue}"/> copies of X from X as read (float32 or uint16 frames, row stride
/// <c>stride</c>): across pixels (rows = frames, for W·Xᵀ) and across frames (rows = pixels, for H·X). Each is a count
/// pass, offsets, then a placement pass, both parallel over independent parts. A row's entries in a span are compacted
/// without a branch per value into a small buffer on the stack and copied out as one piece, so the writes into the
/// copy are a few dozen bytes at a time (placing value by value into the shared copy made the storage phase of a
/// 58×58-scan run take 2–4 s).
/// </summary>
internal static unsafe class SparseSpanBuilder
{
    /// <summary>The copy for W·Xᵀ: spans of 64 detector pixels, one row per frame.</summary>
    public static SparseSpans<TValue> AcrossPixels<TSource, TValue>(TSource* data, long stride, int frames, int pixels)
        where TSource : unmanaged, INumberBase<TSource>
        where TValue : unmanaged, INumberBase<TValue>
    {
        int[] spanStart = SparseSpanLayout.Uniform(pixels);
        int spans = spanStart.Length - 1;
        long rowStride = frames + 1L;
        var offsets = new AlignedBuffer<uint>(Math.Max(1, spans * rowStride), "sparse X row offsets (across pixels)", zeroed: false);
        try
        {
            uint* off = offsets.Pointer;
            // Counts: every frame writes its own column of the span tables.
            Parallel.For(0, frames, j =>
            {
                TSource* frame = data + (j * stride);
                for (int s = 0; s < spans; s++)
                {
                    off[(s * rowStride) + j] = (uint)Count(frame + spanStart[s], spanStart[s + 1] - spanStart[s]);
                }
            });

            long[] spanBase = Offsets(off, spans, frames, "frames");
            return Assemble<TValue>(offsets, spanBase, spanStart, frames, "across pixels", (positions, values) => Parallel.For(0, frames, j =>
            {
                TSource* frame = data + (j * stride);
                byte* stagedPositions = stackalloc byte[SparseSpanLayout.Length + 16];
                TValue* stagedValues = stackalloc TValue[SparseSpanLayout.Length + 16];
                for (int s = 0; s < spans; s++)
                {
                    Place(frame + spanStart[s], spanStart[s + 1] - spanStart[s], stagedPositions, stagedValues, positions, values, spanBase[s] + off[(s * rowStride) + j]);
                }
            }));
        }
        catch
        {
            offsets.Dispose();
            throw;
        }
    }

    /// <summary>The copy for H·X: spans of frames as <paramref name="spanStart"/> cuts them (see
    /// <see cref="SparseSpanLayout.Nested"/>), one row per detector pixel.</summary>
    public static SparseSpans<TValue> AcrossFrames<TSource, TValue>(TSource* data, long stride, int frames, int pixels, int[] spanStart)
        where TSource : unmanaged, INumberBase<TSource>
        where TValue : unmanaged, INumberBase<TValue>
    {
        int spans = spanStart.Length - 1;
        if (spanStart[^1] != frames)
        {
            throw new ArgumentException($"the spans end at frame {spanStart[^1]}, the data has {frames} frames.", nameof(spanStart));
        }

        long rowStride = pixels + 1L;
        const int Tile = SparseSpanLayout.Length;
        const int TilePixels = 64;
        var offsets = new AlignedBuffer<uint>(Math.Max(1, spans * rowStride), "sparse X row offsets (across frames)", zeroed: false);
        try
        {
            uint* off = offsets.Pointer;
            // Counts: every span its own row of counts, the span's frames streamed in order.
            Parallel.For(0, spans, s =>
            {
                uint* counts = off + (s * rowStride);
                new Span<uint>(counts, pixels).Clear();
                for (int j = spanStart[s]; j < spanStart[s + 1]; j++)
                {
                    TSource* frame = data + (j * stride);
                    if (typeof(TSource) == typeof(ushort))
                    {
                        Kernels.Reductions.CountScan.AddNonZeros((ushort*)frame, pixels, counts);
                        continue;
                    }

                    for (int u = 0; u < pixels; u++)
                    {
                        counts[u] += (uint)SparsePlacement.NonZero(frame[u]);
                    }
                }
            });

            long[] spanBase = Offsets(off, spans, pixels, "pixels");
            return Assemble<TValue>(offsets, spanBase, spanStart, pixels, "across frames", (positions, values) => Parallel.For(0, spans, s =>
            {
                // A tile of the span's frames × 64 pixels, transposed on the stack so each pixel's frames are contiguous.
                TSource* tile = stackalloc TSource[Tile * TilePixels];
                byte* stagedPositions = stackalloc byte[Tile + 16];
                TValue* stagedValues = stackalloc TValue[Tile + 16];
                int f0 = spanStart[s], count = spanStart[s + 1] - f0;
                uint* rowOffsets = off + (s * rowStride);
                for (int u0 = 0; u0 < pixels; u0 += TilePixels)
                {
                    int width = Math.Min(TilePixels, pixels - u0);
                    int j = 0;
                    if (typeof(TSource) == typeof(ushort) && CountCompaction.IsAccelerated && width == TilePixels)
                    {
                        // Counts: 8 × 8 blocks transposed in registers.
                        for (; j + 8 <= count; j += 8)
                        {
                            for (int u = 0; u < TilePixels; u += 8)
                            {
                                CountCompaction.Transpose8x8((ushort*)(data + ((f0 + j) * stride) + u0 + u), stride, (ushort*)(tile + (u * Tile) + j), Tile);
                            }
                        }
                    }

                    for (; j < count; j++)
                    {
                        TSource* from = data + ((f0 + j) * stride) + u0;
                        for (int u = 0; u < width; u++)
                        {
                            tile[(u * Tile) + j] = from[u];
                        }
                    }

                    for (int u = 0; u < width; u++)
                    {
                        Place(tile + (u * Tile), count, stagedPositions, stagedValues, positions, values, spanBase[s] + rowOffsets[u0 + u]);
                    }
                }
            }));
        }
        catch
        {
            offsets.Dispose();
            throw;
        }
    }

    // The entries' stores allocated, filled by place, and with the offsets made into the copy (every buffer freed if
    // placing fails).
    private static SparseSpans<TValue> Assemble<TValue>(AlignedBuffer<uint> offsets, long[] spanBase, int[] spanStart, int rows, string what,
        Action<AlignedBuffer<byte>, AlignedBuffer<TValue>> place)
        where TValue : unmanaged
    {
        (AlignedBuffer<byte> positions, AlignedBuffer<TValue> values) = Entries<TValue>(spanBase[^1], what);
        try
        {
            place(positions, values);
            return new SparseSpans<TValue>(offsets, positions, values, spanBase, spanStart, rows);
        }
        catch
        {
            positions.Dispose();
            values.Dispose();
            throw;
        }
    }

    // One row's segment of a span: compacted on the stack, copied out as one piece at entry `at`.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Place<TSource, TValue>(TSource* values, int n, byte* stagedPositions, TValue* stagedValues, AlignedBuffer<byte> positions, AlignedBuffer<TValue> into, long at)
        where TSource : unmanaged, INumberBase<TSource>
        where TValue : unmanaged, INumberBase<TValue>
    {
        int count = Compact(values, n, stagedPositions, stagedValues);
        Unsafe.CopyBlockUnaligned(positions.Pointer + at, stagedPositions, (uint)count);
        Unsafe.CopyBlockUnaligned(into.Pointer + at, stagedValues, (uint)(count * sizeof(TValue)));
    }

    // Nonzeros among n contiguous values.
    private static int Count<TSource>(TSource* values, int n)
        where TSource : unmanaged, INumberBase<TSource>
    {
        if (typeof(TSource) == typeof(ushort))
        {
            return CountCompaction.Count((ushort*)values, n);
        }

        long c = 0;
        for (int i = 0; i < n; i++)
        {
            c += SparsePlacement.NonZero(values[i]);
        }

        return (int)c;
    }

    // The nonzeros of n contiguous values (n ≤ 256) as (index, value), compacted without a branch: every value is
    // written at the cursor, which advances only past a nonzero (counts: eight at a time, CountCompaction). Returns how
    // many there are; the outputs have room for n + 16.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Compact<TSource, TValue>(TSource* values, int n, byte* positions, TValue* into)
        where TSource : unmanaged, INumberBase<TSource>
        where TValue : unmanaged, INumberBase<TValue>
    {
        if (typeof(TSource) == typeof(ushort) && typeof(TValue) == typeof(ushort))
        {
            return CountCompaction.Compact((ushort*)values, n, positions, (ushort*)into);
        }

        long at = 0;
        for (int i = 0; i < n; i++)
        {
            TSource v = values[i];
            positions[at] = (byte)i;
            into[at] = TValue.CreateTruncating(v);
            at += SparsePlacement.NonZero(v);
        }

        return (int)at;
    }

    // Each span's counts (rows of `rows` + 1 entries, the last unused) into offsets relative to the span's first entry,
    // and the spans' first entries (their total last). A span holds at most 64 × rows entries; uint offsets hold that
    // for up to 67 million rows.
    private static long[] Offsets(uint* table, int spans, int rows, string what)
    {
        var total = new long[spans];
        long rowStride = rows + 1L;
        Parallel.For(0, spans, s =>
        {
            uint* t = table + (s * rowStride);
            ulong p = 0;
            for (int r = 0; r < rows; r++)
            {
                uint n = t[r];
                t[r] = (uint)p;
                p += n;
            }

            if (p > uint.MaxValue)
            {
                throw new ArgumentException($"a span of the sparse copy holds {p} nonzeros over {rows} {what}; at most {uint.MaxValue} fit.");
            }

            t[rows] = (uint)p;
            total[s] = (long)p;
        });

        var spanBase = new long[spans + 1];
        for (int s = 0; s < spans; s++)
        {
            spanBase[s + 1] = spanBase[s] + total[s];
        }

        return spanBase;
    }

    // Position and value stores for the entries, left as allocated (the placement writes every entry before anything
    // reads it; the pages are first touched there) except for the zeroed padding the kernels may read into.
    private static (AlignedBuffer<byte>, AlignedBuffer<TValue>) Entries<TValue>(long nonZeros, string what)
        where TValue : unmanaged
    {
        long length = nonZeros + SparseSpanLayout.Padding;
        var positions = new AlignedBuffer<byte>(length, $"sparse X positions ({what})", zeroed: false);
        try
        {
            var values = new AlignedBuffer<TValue>(length, $"sparse X values ({what})", zeroed: false);
            positions.AsSpan(nonZeros, SparseSpanLayout.Padding).Clear();
            values.AsSpan(nonZeros, SparseSpanLayout.Padding).Clear();
            return (positions, values);
        }
        catch
        {
            positions.Dispose();
            throw;
        }
    }
}
