namespace FastNmf.Distributed;

/// <summary>
/// Ranks as threads of one process, for tests of the distributed algorithm without MPI: <see cref="Create"/> gives
/// one communicator per rank; run each rank's work on its own thread. A collective publishes each rank's buffer, waits
/// for all ranks at a barrier, combines in rank order, and waits again before any buffer may be reused. A rank that
/// fails breaks the barrier, so the others fail too instead of waiting for ever.
/// </summary>
internal sealed class InProcessGroup
{
    private readonly Barrier _barrier;
    private readonly object?[] _published;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _failed = new();

    private InProcessGroup(int size, TimeSpan timeout)
    {
        _barrier = new Barrier(size);
        _published = new object?[size];
        _timeout = timeout;
    }

    /// <summary>Communicators for ranks 0..size − 1 of one group; a rank that waits longer than
    /// <paramref name="timeout"/> (default 60 s) for the others fails.</summary>
    public static Communicator[] Create(int size, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var group = new InProcessGroup(size, timeout ?? TimeSpan.FromSeconds(60));
        return Enumerable.Range(0, size).Select(r => (Communicator)new Member(group, r, size)).ToArray();
    }

    /// <summary>Runs <paramref name="work"/> for every rank on its own thread and returns each rank's result; the first
    /// failure is rethrown after every thread has ended.</summary>
    public static T[] Run<T>(int size, Func<Communicator, T> work, TimeSpan? timeout = null)
    {
        Communicator[] ranks = Create(size, timeout);
        var results = new T[size];
        var failures = new Exception?[size];
        Thread[] threads = ranks.Select((c, r) => new Thread(() =>
        {
            try
            {
                results[r] = work(c);
            }
            catch (Exception e)
            {
                failures[r] = e;
                ((Member)c).Abandon();
            }
        }) { IsBackground = true, Name = $"rank-{r}" }).ToArray();
        foreach (Thread t in threads)
        {
            t.Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }

        Exception? first = failures.FirstOrDefault(f => f is not null and not OperationCanceledException)
            ?? failures.FirstOrDefault(f => f is not null);
        if (first is not null)
        {
            throw new AggregateException($"a rank failed: {first.Message}", first);
        }

        return results;
    }

    private sealed class Member(InProcessGroup group, int rank, int size) : Communicator
    {
        private double[] _scratch = [];

        public override int Rank => rank;

        public override int Size => size;

        public override string Description => $"{size} in-process ranks";

        /// <summary>Called when this rank's work failed: every rank waiting at a collective (now or later) fails too.</summary>
        public void Abandon() => group._failed.Cancel();

        protected override void AllreduceSumCore(Span<double> values) => Combine(values, static (a, b) => a + b);

        protected override void AllreduceMaxCore(Span<double> values) => Combine(values, Math.Max);

        protected override void ExchangeHaloCore(ReadOnlySpan<float> toPrevious, ReadOnlySpan<float> toNext, Span<float> fromPrevious, Span<float> fromNext)
        {
            if ((rank == 0 && (toPrevious.Length | fromPrevious.Length) != 0) || (rank == size - 1 && (toNext.Length | fromNext.Length) != 0))
            {
                throw new ArgumentException($"rank {rank} has no neighbour on that side.");
            }

            float[][] mine = [toPrevious.ToArray(), toNext.ToArray()];
            Publish(mine);
            if (rank > 0)
            {
                float[] theirs = ((float[][])group._published[rank - 1]!)[1];
                Check(theirs.Length, fromPrevious.Length, rank - 1);
                theirs.CopyTo(fromPrevious);
            }

            if (rank < size - 1)
            {
                float[] theirs = ((float[][])group._published[rank + 1]!)[0];
                Check(theirs.Length, fromNext.Length, rank + 1);
                theirs.CopyTo(fromNext);
            }

            Wait();
        }

        protected override void GatherToRootCore(ReadOnlySpan<float> local, Span<float> atRoot, ReadOnlySpan<int> counts)
        {
            Publish(local.ToArray());
            if (rank == 0)
            {
                int at = 0;
                for (int r = 0; r < size; r++)
                {
                    var part = (float[])group._published[r]!;
                    Check(part.Length, counts[r], r);
                    part.CopyTo(atRoot[at..]);
                    at += part.Length;
                }
            }

            Wait();
        }

        protected override void BroadcastCore(Span<byte> data)
        {
            Publish(data.ToArray());
            var root = (byte[])group._published[0]!;
            Check(root.Length, data.Length, 0);
            root.CopyTo(data);
            Wait();
        }

        private void Combine(Span<double> values, Func<double, double, double> op)
        {
            Publish(values.ToArray());
            if (_scratch.Length < values.Length)
            {
                _scratch = new double[values.Length];
            }

            Span<double> total = _scratch.AsSpan(0, values.Length);
            ((double[])group._published[0]!).CopyTo(total);
            for (int r = 1; r < size; r++)
            {
                var part = (double[])group._published[r]!;
                Check(part.Length, values.Length, r);
                for (int i = 0; i < total.Length; i++)
                {
                    total[i] = op(total[i], part[i]);
                }
            }

            Wait();
            total.CopyTo(values);
        }

        private void Publish(object data)
        {
            group._published[rank] = data;
            Wait();
        }

        private void Wait()
        {
            if (!group._barrier.SignalAndWait(group._timeout, group._failed.Token))
            {
                throw new TimeoutException($"rank {rank} waited more than {group._timeout.TotalSeconds:F0} s for the other ranks at a collective.");
            }
        }

        private void Check(int theirs, int mine, int other)
        {
            if (theirs != mine)
            {
                throw new InvalidOperationException($"rank {rank} and rank {other} called a collective with {mine} and {theirs} values.");
            }
        }
    }
}
