using FastNmf.Memory;

namespace FastNmf.Storage;

/// <summary>
/// X as uint16, frame-major (masked pixels already dropped), each frame padded to 32 values so every frame starts on a
/// 64-byte line: half the bytes of float32 per pass, exact for counted electrons. Either owns its values, borrows them
/// (a view of X held elsewhere) or is a memory-mapped file.
/// </summary>
internal sealed unsafe class UInt16Frames : IDisposable
{
    private readonly IDisposable? _owner;
    private readonly ushort* _pointer;

    private UInt16Frames(ushort* pointer, IDisposable? owner, int frames, int pixels, long stride)
    {
        _pointer = pointer;
        _owner = owner;
        Frames = frames;
        Pixels = pixels;
        Stride = stride;
    }

    public int Frames { get; }

    public int Pixels { get; }

    /// <summary>Elements from one frame to the next.</summary>
    public long Stride { get; }

    public ushort* Pointer => _pointer;

    public ushort* Frame(int j) => _pointer + (j * Stride);

    /// <summary>Frames at <paramref name="pointer"/> (any stride ≥ <paramref name="pixels"/>: the kernels never read past a
    /// frame's last pixel), kept alive by <paramref name="owner"/>, which this disposes (null: borrowed).</summary>
    public static UInt16Frames Over(ushort* pointer, IDisposable? owner, int frames, int pixels, long stride) =>
        new(pointer, owner, frames, pixels, stride);

    /// <summary>A view of the same frames that does not own them.</summary>
    public UInt16Frames Borrow() => new(_pointer, null, Frames, Pixels, Stride);

    /// <summary>A view of frames [<paramref name="first"/>, first + <paramref name="count"/>) that does not own them.</summary>
    public UInt16Frames Slice(int first, int count) => new(Frame(first), null, count, Pixels, Stride);

    /// <summary>The first value uint16 cannot hold exactly, as (frame, pixel, value), or null.</summary>
    public static (int Frame, int Pixel, float Value)? FirstUnrepresentable(MatrixView x)
    {
        for (int j = 0; j < x.Rows; j++)
        {
            ReadOnlySpan<float> frame = x.Row(j);
            for (int u = 0; u < frame.Length; u++)
            {
                float v = frame[u];
                if (!(v >= 0f && v <= ushort.MaxValue && v == MathF.Floor(v)))
                {
                    return (j, u, v);
                }
            }
        }

        return null;
    }

    /// <summary>A uint16 copy of float32 frames <paramref name="x"/> (n_xy × n_uv).</summary>
    /// <exception cref="ArgumentException">a value is not an integer in [0, 65 535] (named with its frame and pixel).</exception>
    public static UInt16Frames CopyOf(MatrixView x)
    {
        if (FirstUnrepresentable(x) is { } bad)
        {
            throw new ArgumentException(
                $"uint16 storage holds only integers in [0, 65535]; X has {bad.Value} at frame {bad.Frame}, unmasked pixel {bad.Pixel}. Use float32 storage.");
        }

        long stride = (x.Cols + 31L) & ~31L;
        var values = new AlignedBuffer<ushort>(Math.Max(1, stride * x.Rows), "X as uint16 (copy)");
        for (int j = 0; j < x.Rows; j++)
        {
            ReadOnlySpan<float> frame = x.Row(j);
            ushort* d = values.Pointer + (j * stride);
            for (int u = 0; u < frame.Length; u++)
            {
                d[u] = (ushort)frame[u];
            }

            new Span<ushort>(d + frame.Length, (int)(stride - frame.Length)).Clear();
        }

        return new UInt16Frames(values.Pointer, values, x.Rows, x.Cols, stride);
    }

    public void Dispose() => _owner?.Dispose();
}
