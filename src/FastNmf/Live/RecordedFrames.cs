using System.Numerics;
using FastNmf.IO;
using FastNmf.Memory;

namespace FastNmf.Live;

/// <summary>
/// The frames of a live scan kept for its end (the learner's final projection and the batch finish): one slot per scan
/// position in native memory, uint16 or float32 as the frames came. Sized once for the whole scan (the largest memory a
/// live scan holds) but not cleared: a slot's pages are first touched when its frame is written, so the first push does
/// not wait for the whole store; slots no frame will fill are zeroed by <see cref="Clear"/>. Readable as a
/// <see cref="FrameSource"/>.
/// </summary>
internal sealed unsafe class RecordedFrames<T> : FrameSource
    where T : unmanaged, INumberBase<T>
{
    private readonly AlignedBuffer<T> _store;

    public RecordedFrames(int scanRows, int scanCols, int detRows, int detCols)
        : base("(live scan)", "live", typeof(T) == typeof(ushort) ? "uint16" : "float32", scanRows, scanCols, detRows, detCols)
    {
        _store = new AlignedBuffer<T>((long)scanRows * scanCols * detRows * detCols, "live scan frames", zeroed: false);
    }

    /// <summary>Copies <paramref name="frames"/> in at scan position <paramref name="first"/>.</summary>
    public void Write(ReadOnlySpan<T> frames, long first) =>
        frames.CopyTo(new Span<T>(_store.Pointer + (first * FrameLength), frames.Length));

    /// <summary>Zeros the slot of position <paramref name="position"/> (a frame that will not come).</summary>
    public void Clear(long position) => new Span<T>(At(position), FrameLength).Clear();

    /// <summary>The frames from position <paramref name="first"/> on (a pointer into the store).</summary>
    public T* At(long first) => _store.Pointer + (first * FrameLength);

    /// <summary>The first <paramref name="rows"/> scan rows as a source of their own (the learner's start), reading this store.</summary>
    public FrameSource FirstRows(int rows) => new Prefix(this, rows);

    protected override void ReadFramesCore(long first, int count, Span<float> destination)
    {
        T* f = At(first);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = float.CreateTruncating(f[i]);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _store.Dispose();
        }
    }

    private sealed class Prefix(RecordedFrames<T> store, int rows)
        : FrameSource("(live scan, first rows)", "live", store.SourceDtype, rows, store.ScanCols, store.DetRows, store.DetCols)
    {
        protected override void ReadFramesCore(long first, int count, Span<float> destination) => store.ReadFrames(first, count, destination);
    }
}
