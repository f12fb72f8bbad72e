using System.Runtime.ExceptionServices;

namespace FastNmf.Kernels.Threading;

/// <summary>
/// A fixed team of threads (the caller plus <c>threads − 1</c> workers) that runs one <see cref="ITeamWork"/> at a
/// time over a static, contiguous partition of the items. Static partitioning keeps every sum in the same order
/// whatever the timing, so results are bit-identical run to run; reusing parked threads avoids the per-call
/// allocations of <c>Parallel.For</c> inside the iteration loop.
/// </summary>
internal sealed class WorkerTeam : IDisposable
{
    private readonly Thread[] _workers;
    private readonly SemaphoreSlim[] _start;
    private int _pending;
    private ITeamWork? _work;
    private int _items;
    private int _parts;
    private volatile bool _stopping;
    private Exception? _failure;

    public WorkerTeam(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _workers = new Thread[threads - 1];
        _start = new SemaphoreSlim[threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            int part = i + 1;
            _start[i] = new SemaphoreSlim(0);
            _workers[i] = new Thread(() => WorkerLoop(part)) { IsBackground = true, Name = $"fastnmf-{part}" };
            _workers[i].Start();
        }
    }

    public int Threads { get; }

    /// <summary>Runs <paramref name="work"/> over items [0, <paramref name="items"/>) split into at most
    /// <see cref="Threads"/> contiguous parts of at least <paramref name="minItemsPerPart"/> items.</summary>
    public void Run(ITeamWork work, int items, int minItemsPerPart = 1)
    {
        if (items <= 0)
        {
            return;
        }

        int parts = Math.Clamp(items / Math.Max(1, minItemsPerPart), 1, Threads);
        if (parts == 1)
        {
            work.Execute(0, 0, items);
            return;
        }

        _work = work;
        _items = items;
        _parts = parts;
        _failure = null;
        Volatile.Write(ref _pending, parts - 1);
        for (int i = 0; i < parts - 1; i++)
        {
            _start[i].Release();
        }

        try
        {
            RunPart(0);
        }
        finally
        {
            // Spin (yielding, never sleeping a whole tick) until every worker is done: parts are equal-sized so the
            // wait is short, and unlike CountdownEvent.Wait this never allocates (its lock object is created lazily
            // on the first wait that blocks, which can fall in the middle of a run).
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _pending) > 0)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            _work = null;
        }

        if (_failure is not null)
        {
            ExceptionDispatchInfo.Capture(_failure).Throw();
        }
    }

    private void RunPart(int part)
    {
        long start = (long)_items * part / _parts;
        long end = (long)_items * (part + 1) / _parts;
        _work!.Execute(part, (int)start, (int)end);
    }

    private void WorkerLoop(int part)
    {
        SemaphoreSlim start = _start[part - 1];
        while (true)
        {
            start.Wait();
            if (_stopping)
            {
                return;
            }

            try
            {
                RunPart(part);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        foreach (SemaphoreSlim s in _start)
        {
            s.Release();
        }

        foreach (Thread t in _workers)
        {
            t.Join();
        }

        foreach (SemaphoreSlim s in _start)
        {
            s.Dispose();
        }
    }
}
