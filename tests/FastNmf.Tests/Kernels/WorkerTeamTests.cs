using FastNmf.Kernels.Threading;
using NUnit.Framework;

namespace FastNmf.Tests.Kernels;

[TestFixture]
public sealed class WorkerTeamTests
{
    private static IEnumerable<TestCaseData> ItemsAndThreads()
    {
        foreach (int items in new[] { 0, 1, 2, 3, 1000 })
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                yield return new TestCaseData(items, threads).SetArgDisplayNames($"items{items}", $"threads{threads}");
            }
        }
    }

    [TestCaseSource(nameof(ItemsAndThreads))]
    public void Run_AnyItemsAndThreads_ExecutesEveryItemExactlyOnce(int items, int threads)
    {
        using var team = new WorkerTeam(threads);
        var work = new CountingWork(items);

        team.Run(work, items);

        Assert.Multiple(() =>
        {
            Assert.That(work.Counts, Is.All.EqualTo(1));
            Assert.That(work.OutOfRange, Is.Zero, "a part covered items outside [0, items)");
            Assert.That(work.Parts, Is.LessThanOrEqualTo(Math.Max(1, threads)));
        });
    }

    [TestCaseSource(nameof(ItemsAndThreads))]
    public void Run_RepeatedOnSameTeam_ExecutesEveryItemOncePerRun(int items, int threads)
    {
        using var team = new WorkerTeam(threads);
        var work = new CountingWork(items);

        for (int run = 0; run < 5; run++)
        {
            team.Run(work, items);
        }

        Assert.Multiple(() =>
        {
            Assert.That(work.Counts, Is.All.EqualTo(5));
            Assert.That(work.OutOfRange, Is.Zero);
        });
    }

    [TestCase(1000, 400, 2)]
    [TestCase(1000, 2000, 1)]
    [TestCase(10, 1, 3)]
    public void Run_MinItemsPerPart_LimitsPartsAndStillCoversEveryItem(int items, int minItemsPerPart, int expectedParts)
    {
        using var team = new WorkerTeam(3);
        var work = new CountingWork(items);

        team.Run(work, items, minItemsPerPart);

        Assert.Multiple(() =>
        {
            Assert.That(work.Counts, Is.All.EqualTo(1));
            Assert.That(work.Parts, Is.EqualTo(expectedParts));
        });
    }

    [TestCase(1, true)]
    [TestCase(2, true)]
    [TestCase(2, false)]
    [TestCase(3, true)]
    [TestCase(3, false)]
    public void Run_PartThrows_PropagatesToCallerAndTeamStaysUsable(int threads, bool throwInFirstPart)
    {
        using var team = new WorkerTeam(threads);
        const int Items = 100;
        var failing = new ThrowingWork(throwInFirstPart ? 0 : Items - 1);

        var ex = Assert.Throws<InvalidOperationException>(() => team.Run(failing, Items));
        Assert.That(ex!.Message, Does.Contain("boom"));

        var work = new CountingWork(Items);
        team.Run(work, Items);
        var again = new CountingWork(Items);
        team.Run(again, Items);

        Assert.Multiple(() =>
        {
            Assert.That(work.Counts, Is.All.EqualTo(1));
            Assert.That(again.Counts, Is.All.EqualTo(1));
        });
    }

    [Test]
    public void Run_EveryPartThrows_PropagatesOneException()
    {
        using var team = new WorkerTeam(3);

        Assert.That(() => team.Run(new ThrowingWork(-1), 300), Throws.InvalidOperationException.With.Message.Contains("boom"));
    }

    [TestCase(1)]
    [TestCase(3)]
    public void Dispose_CalledTwice_DoesNotThrow(int threads)
    {
        var team = new WorkerTeam(threads);
        team.Run(new CountingWork(10), 10);

        team.Dispose();

        Assert.That(team.Dispose, Throws.Nothing);
    }

    [Test]
    public void Constructor_ZeroThreads_Throws()
    {
        Assert.That(() => new WorkerTeam(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [TestCase(1, 100)]
    [TestCase(2, 100)]
    [TestCase(3, 2)]
    public void Run_PartIndices_AreDistinctAndBelowTheThreadCount(int threads, int items)
    {
        using var team = new WorkerTeam(threads);
        var work = new CountingWork(items);
        team.Run(work, items);
        int parts = Math.Min(threads, items);
        Assert.Multiple(() =>
        {
            for (int p = 0; p < 8; p++)
            {
                Assert.That(work.PartIndexCounts[p], Is.EqualTo(p < parts ? 1 : 0), $"part {p}");
            }
        });
    }

    private sealed class CountingWork(int items) : ITeamWork
    {
        private int _outOfRange;
        private int _parts;

        public int[] Counts { get; } = new int[items];

        public int OutOfRange => Volatile.Read(ref _outOfRange);

        public int Parts => Volatile.Read(ref _parts);

        /// <summary>How often each part index ran (indices ≥ 8 are counted in the last slot).</summary>
        public int[] PartIndexCounts { get; } = new int[8];

        public void Execute(int part, int start, int end)
        {
            Interlocked.Increment(ref _parts);
            Interlocked.Increment(ref PartIndexCounts[Math.Clamp(part, 0, 7)]);
            if (start < 0 || end > Counts.Length || start > end)
            {
                Interlocked.Increment(ref _outOfRange);
                return;
            }

            for (int i = start; i < end; i++)
            {
                Interlocked.Increment(ref Counts[i]);
            }
        }
    }

    /// <summary>Throws in the part that contains <paramref name="item"/>; in every part when it is negative.</summary>
    private sealed class ThrowingWork(int item) : ITeamWork
    {
        public void Execute(int part, int start, int end)
        {
            if (item < 0 || (item >= start && item < end))
            {
                throw new InvalidOperationException($"boom in [{start}, {end})");
            }
        }
    }
}
