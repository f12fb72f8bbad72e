namespace FastNmf.Streams;

/// <summary>One buffer of a <see cref="FrameRing{T}"/>: up to Capacity consecutive frames, their first acquisition
/// index and each one's arrival timestamp.</summary>
internal sealed class FrameSlot<T> where T : unmanaged
{
    public FrameSlot(int capacity, int frameLength)
    {
        Capacity = capacity;
        Frames = new T[(long)capacity * frameLength];
        Arrivals = new long[capacity];
    }

    public int Capacity { get; }

    public T[] Frames { get; }

    public long[] Arrivals { get; }

    public long FirstIndex { get; set; }

    public int Count { get; set; }
}
