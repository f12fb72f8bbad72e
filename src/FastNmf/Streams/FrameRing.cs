namespace FastNmf.Streams;

/// <summary>
/// A fixed set of frame buffers between a receiver thread and a consumer: the receiver fills a free slot and
/// publishes it, the consumer takes slots in order and gives them back. When every slot is full the receiver waits,
/// so it stops reading and TCP holds the sender back: memory stays bounded however slow the consumer is. Nothing is
/// allocated after construction. Waits wake at least every 100 ms to look at the cancellation token.
/// </summary>
internal sealed class FrameRing<T> where T : unmanaged
{
    private readonly object _gate = new();
    private readonly Queue<FrameSlot<T>> _free;
    private readonly Queue<FrameSlot<T>> _filled;
    private bool _finished;

    public FrameRing(int slots, int framesPerSlot, int frameLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(framesPerSlot, 1);
        _free = new Queue<FrameSlot<T>>(slots);
        _filled = new Queue<FrameSlot<T>>(slots);
        for (int i = 0; i < slots; i++)
        {
            _free.Enqueue(new FrameSlot<T>(framesPerSlot, frameLength));
        }

        Slots = slots;
    }

    public int Slots { get; }

    /// <summary>Slots published and not yet taken (the consumer's backlog).</summary>
    public int Backlog
    {
        get
        {
            lock (_gate)
            {
                return _filled.Count;
            }
        }
    }

    /// <summary>Whether the consumer is waiting for a slot: the receiver then hands over what it has at once (low
    /// latency when the consumer keeps up), and otherwise keeps filling its slot (bigger blocks, fewer passes over W,
    /// when it does not).</summary>
    public bool ConsumerWaiting => Volatile.Read(ref _consumerWaiting);

    private bool _consumerWaiting;

    /// <summary>Why the receiver stopped, when it failed.</summary>
    public Exception? Error { get; private set; }

    /// <summary>A free slot, waiting while all are full; null when the ring was finished or on cancellation.</summary>
    public FrameSlot<T>? RentFree(CancellationToken cancel)
    {
        lock (_gate)
        {
            while (_free.Count == 0 && !_finished && !cancel.IsCancellationRequested)
            {
                Monitor.Wait(_gate, 100);
            }

            return _free.Count > 0 && !_finished && !cancel.IsCancellationRequested ? _free.Dequeue() : null;
        }
    }

    public void Publish(FrameSlot<T> slot)
    {
        lock (_gate)
        {
            _filled.Enqueue(slot);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The next filled slot, waiting for one; null once the receiver finished and every slot was taken, or on cancellation.</summary>
    public FrameSlot<T>? TakeFilled(CancellationToken cancel)
    {
        lock (_gate)
        {
            while (_filled.Count == 0 && !_finished && !cancel.IsCancellationRequested)
            {
                Volatile.Write(ref _consumerWaiting, true);
                Monitor.Wait(_gate, 100);
            }

            Volatile.Write(ref _consumerWaiting, false);
            return _filled.Count > 0 && !cancel.IsCancellationRequested ? _filled.Dequeue() : null;
        }
    }

    public void ReturnFree(FrameSlot<T> slot)
    {
        lock (_gate)
        {
            _free.Enqueue(slot);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>No more slots will be published (<paramref name="error"/>: why, when the receiver failed).</summary>
    public void Finish(Exception? error)
    {
        lock (_gate)
        {
            Error ??= error;
            _finished = true;
            Monitor.PulseAll(_gate);
        }
    }
}
