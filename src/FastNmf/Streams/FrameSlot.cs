namespace FastNmf.Streams;

/// <summary>One buffer of a <see cref="FrameRing{T}"/>: up to Capacity frames in up to <see cref="MaxRuns"/> runs of
/// consecutive acquisition indices (a gap starts a new run), and each frame's arrival timestamp.</summary>
internal sealed class FrameSlot<T> where T : unmanaged
{
    /// <summary>Runs one slot holds at most (gaps within one slot's frames).</summary>
    public const int MaxRuns = 8;

    private readonly long[] _runFirst = new long[MaxRuns];
    private readonly int[] _runStart = new int[MaxRuns];
    private readonly int[] _runCount = new int[MaxRuns];

    public FrameSlot(int capacity, int frameLength)
    {
        Capacity = capacity;
        FrameLength = frameLength;
        Frames = new T[(long)capacity * frameLength];
        Arrivals = new long[capacity];
    }

    public int Capacity { get; }

    public int FrameLength { get; }

    public T[] Frames { get; }

    public long[] Arrivals { get; }

    /// <summary>Frames held.</summary>
    public int Count { get; private set; }

    /// <summary>Runs held.</summary>
    public int Runs { get; private set; }

    /// <summary>Whether no more frames or runs fit.</summary>
    public bool IsFull => Count == Capacity || Runs == MaxRuns;

    /// <summary>Arrival timestamps of the frames still to come into the slot.</summary>
    public Span<long> FreeArrivals => Arrivals.AsSpan(Count);

    public void Clear()
    {
        Count = 0;
        Runs = 0;
    }

    /// <summary>Takes in <paramref name="count"/> frames just read after the ones held, starting at index
    /// <paramref name="firstIndex"/> (joined to the last run when it continues it).</summary>
    public void Add(long firstIndex, int count)
    {
        if (Runs > 0 && _runFirst[Runs - 1] + _runCount[Runs - 1] == firstIndex)
        {
            _runCount[Runs - 1] += count;
        }
        else
        {
            _runFirst[Runs] = firstIndex;
            _runStart[Runs] = Count;
            _runCount[Runs] = count;
            Runs++;
        }

        Count += count;
    }

    /// <summary>Run <paramref name="run"/>: its first acquisition index, its first frame in the slot, its length.</summary>
    public (long FirstIndex, int Start, int Count) Run(int run) => (_runFirst[run], _runStart[run], _runCount[run]);
}
