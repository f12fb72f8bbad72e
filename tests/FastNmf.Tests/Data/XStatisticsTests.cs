using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.IO;
using FastNmf.Simulation;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Data;

/// <summary>X's statistics as explicit reductions: the ranks of a split scan agree bit for bit with one process, and
/// the values are the sums a straight double loop gives.</summary>
public sealed class XStatisticsTests
{
    [Test]
    public void Compute_SplitOverRanks_IsBitIdenticalToOneProcess([Values(2, 3)] int ranks)
    {
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 24, ScanCols = 24, DetRows = 16, DetCols = 16, Dose = 300, Seed = 8 });
        using UnfoldedData x = UnfoldedData.Create(data);
        XStatistics whole = x.Statistics;
        XStatistics[] parts = InProcessGroup.Run(ranks, comm =>
        {
            ScanSlab slab = FrameBlocks.For(24, 24).Slab(comm.Rank, comm.Size);
            using UnfoldedData view = x.SlabView(slab.FirstRow, slab.Rows);
            return XStatistics.Compute(view, comm);
        });
        Assert.Multiple(() =>
        {
            foreach (XStatistics p in parts)
            {
                Assert.That(p.SumOfSquares, Is.EqualTo(whole.SumOfSquares));
                Assert.That(p.Sum, Is.EqualTo(whole.Sum));
                Assert.That(p.NonZeros, Is.EqualTo(whole.NonZeros));
                Assert.That(p.Max, Is.EqualTo(whole.Max));
                Assert.That(p.IsCounts, Is.EqualTo(whole.IsCounts));
                Assert.That(p.Frames, Is.EqualTo(576));
                Assert.That(p.PixelSums.ToArray(), Is.EqualTo(whole.PixelSums.ToArray()).AsCollection);
            }
        });
    }

    [Test]
    public void Compute_RealValuedData_MatchesADoubleLoop()
    {
        Dataset4D data = RandomData.LowRank(9, 7, 6, 5, rank: 2, noise: 0.3, seed: 2);
        using UnfoldedData x = UnfoldedData.Create(data);
        double sum = 0, squares = 0;
        long nonZeros = 0;
        var pixel = new double[x.NUv];
        for (int j = 0; j < x.NXy; j++)
        {
            ReadOnlySpan<float> f = x.Column(j);
            for (int u = 0; u < f.Length; u++)
            {
                sum += f[u];
                squares += (double)f[u] * f[u];
                pixel[u] += f[u];
                nonZeros += f[u] != 0 ? 1 : 0;
            }
        }

        XStatistics s = x.Statistics;
        Assert.Multiple(() =>
        {
            Assert.That(s.Sum, Is.EqualTo(sum).Within(1e-12).Percent);
            Assert.That(s.SumOfSquares, Is.EqualTo(squares).Within(1e-12).Percent);
            Assert.That(s.NonZeros, Is.EqualTo(nonZeros));
            Assert.That(s.IsCounts, Is.False);
            Assert.That(s.Mean, Is.EqualTo(sum / (x.NUv * (double)x.NXy)).Within(1e-12).Percent);
            Assert.That(s.PixelSums.ToArray(), Is.EqualTo(pixel).Within(1e-12).Percent);
        });
    }

    [Test]
    public void Compute_Counts_AreExact()
    {
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 6, ScanCols = 6, DetRows = 16, DetCols = 16, Dose = 500, Seed = 1 });
        using UnfoldedData x = UnfoldedData.Create(data);
        long sum = 0, squares = 0;
        foreach (float v in data.Data)
        {
            sum += (long)v;
            squares += (long)v * (long)v;
        }

        Assert.Multiple(() =>
        {
            Assert.That(x.Statistics.IsCounts, Is.True);
            Assert.That(x.Statistics.Sum, Is.EqualTo((double)sum));
            Assert.That(x.Statistics.SumOfSquares, Is.EqualTo((double)squares));
        });
    }
    [Test]
    public void Compute_UInt16X_IsBitIdenticalToFloat32XOfTheSameCounts()
    {
        // 17 × 19 pixels (not a multiple of the 16-pixel vectors), full-scale counts, ~40 % nonzero.
        var rng = new Random(11);
        var values = new float[9 * 7 * 17 * 19];
        for (int i = 0; i < values.Length; i++)
        {
            int r = rng.Next(100);
            values[i] = r < 60 ? 0 : r < 63 ? ushort.MaxValue : rng.Next(1, 2000);
        }

        var data = new Dataset4D(values, 9, 7, 17, 19);
        using UnfoldedData floats = UnfoldedData.Create(data);
        using var source = new ArrayFrameSource(data);
        using UnfoldedData counts = UnfoldedData.CreateCounts(source);
        XStatistics f = floats.Statistics, c = counts.Statistics;
        Assert.Multiple(() =>
        {
            Assert.That(counts.IsUInt16, Is.True);
            Assert.That(c.IsCounts && f.IsCounts, Is.True);
            Assert.That(c.NonZeros, Is.EqualTo(f.NonZeros));
            Assert.That(c.Max, Is.EqualTo(f.Max));
            Assert.That(c.Max, Is.EqualTo((float)ushort.MaxValue));
            Assert.That(c.Sum, Is.EqualTo(f.Sum));
            Assert.That(c.SumOfSquares, Is.EqualTo(f.SumOfSquares));
            Assert.That(c.PixelSums.ToArray(), Is.EqualTo(f.PixelSums.ToArray()).AsCollection);
        });
    }
}
