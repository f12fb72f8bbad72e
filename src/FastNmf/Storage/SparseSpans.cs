using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>
/// X's nonzeros cut into spans of at most <see cref="SparseSpanLayout.Length"/> positions along one axis (detector
/// pixels for W·Xᵀ, scan positions for H·X), the other axis running as rows: for span s and row r, the entries
/// [<c>Offsets(s)[r]</c>, <c>Offsets(s)[r + 1]</c>) of <c>Positions(s)</c> and <c>Values(s)</c> are the row's nonzeros
/// in that span, ascending, each as its position within the span (a byte) and its value. A kernel keeps one span's rows
/// of a factor (at most 64 of them) in L1 while it streams the span's entries for many rows.
/// </summary>
/// <typeparam name="TValue"><see cref="float"/>, or <see cref="ushort"/> for counted electrons (3 bytes per nonzero
/// instead of 5; the kernels widen a segment's counts to float, exactly, before they use them).</typeparam>
/// <remarks>The span length is fixed, not tuned to a cache or to the number of components: a lane's sum is formed
/// segment by segment in span order, so a fixed cut keeps every result the same whatever K, the vector width, the
/// thread count or the blocking of the loops around the kernel.</remarks>
internal sealed unsafe class SparseSpans<TValue> : IDisposable
    where TValue : unmanaged
{
    private readonly AlignedBuffer<uint> _offsets;
    private readonly AlignedBuffer<byte> _positions;
    private readonly AlignedBuffer<TValue> _values;

    internal SparseSpans(AlignedBuffer<uint> offsets, AlignedBuffer<byte> positions, AlignedBuffer<TValue> values, long[] spanBase, int[] spanStart, int rows)
    {
        _offsets = offsets;
        _positions = positions;
        _values = values;
        SpanBase = spanBase;
        SpanStart = spanStart;
        Rows = rows;
        Spans = spanStart.Length - 1;
        NonZeros = spanBase[^1];
    }

    /// <summary>Spans along the cut axis.</summary>
    public int Spans { get; }

    /// <summary>Rows along the other axis.</summary>
    public int Rows { get; }

    public long NonZeros { get; }

    /// <summary>First entry of each span, and the total as the last element.</summary>
    public long[] SpanBase { get; }

    /// <summary>First position of each span on the cut axis, and its end as the last element.</summary>
    public int[] SpanStart { get; }

    /// <summary>Span <paramref name="s"/>'s row offsets (<see cref="Rows"/> + 1 of them), relative to its first entry.</summary>
    public uint* Offsets(int s) => _offsets.Pointer + ((long)s * (Rows + 1));

    /// <summary>Span <paramref name="s"/>'s positions within the span.</summary>
    public byte* Positions(int s) => _positions.Pointer + SpanBase[s];

    /// <summary>Span <paramref name="s"/>'s values.</summary>
    public TValue* Values(int s) => _values.Pointer + SpanBase[s];

    /// <summary>Bytes held for <paramref name="nonZeros"/> entries in <paramref name="spans"/> spans of
    /// <paramref name="rows"/> rows.</summary>
    public static long BytesFor(long nonZeros, long spans, long rows) =>
        ((nonZeros + SparseSpanLayout.Padding) * (1 + sizeof(TValue))) + (4 * spans * (rows + 1)) + (8 * (spans + 1));

    public void Dispose()
    {
        _offsets.Dispose();
        _positions.Dispose();
        _values.Dispose();
    }
}
