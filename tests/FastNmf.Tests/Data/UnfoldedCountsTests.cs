using FastNmf.Data;
using FastNmf.IO;
using FastNmf.Memory;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Data;

/// <summary>X read straight into uint16 (no float32 copy), or mapped from the file.</summary>
[TestFixture]
[NonParallelizable]
public sealed class UnfoldedCountsTests
{
    private static double[] Counts(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (double)(random.Next(4) == 0 ? random.Next(3000) : 0)).ToArray();
    }

    [TestCase("<u2", true)]
    [TestCase(">u2", false)]
    [TestCase("<f4", false)]
    public void CreateCounts_CountData_SameXAsFloat32AndMappedOnlyForLittleEndianUInt16(string descr, bool mapped)
    {
        using var dir = new TempDirectory();
        double[] values = Counts(6 * 5 * 8 * 8, seed: 4);
        string path = dir.Write("x.npy", NpyBytes.Npy(NpyBytes.Dict(descr, "(6, 5, 8, 8)"), NpyBytes.Encode(descr, values)));
        using NpyFrameSource a = NpyFrameSource.Open(path);
        using NpyFrameSource b = NpyFrameSource.Open(path);
        using UnfoldedData counts = UnfoldedData.CreateCounts(a);
        using UnfoldedData floats = UnfoldedData.Create(b);
        var column = new float[64];
        Assert.Multiple(() =>
        {
            Assert.That(counts.IsUInt16, Is.True);
            Assert.That(counts.IsMapped, Is.EqualTo(mapped));
            Assert.That(counts.SumOfSquares, Is.EqualTo(floats.SumOfSquares));
            Assert.That(counts.Mean, Is.EqualTo(floats.Mean));
            Assert.That(() => counts.Column(0), Throws.InvalidOperationException.With.Message.Contains("uint16"));
        });
        for (int j = 0; j < 30; j++)
        {
            counts.CopyColumn(j, column);
            Assert.That(column, Is.EqualTo(floats.Column(j).ToArray()), $"frame {j}");
        }
    }

    [Test]
    public void CreateCounts_NonIntegerValue_ThrowsNamingTheElement()
    {
        using var dir = new TempDirectory();
        double[] values = Counts(2 * 2 * 4 * 4, seed: 1);
        values[(3 * 16) + 5] = 2.5;
        string path = dir.Write("x.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", "(2, 2, 4, 4)"), NpyBytes.Encode("<f4", values)));
        using NpyFrameSource source = NpyFrameSource.Open(path);
        Assert.That(() => UnfoldedData.CreateCounts(source), Throws.TypeOf<DataFormatException>().With.Message.Contains("(1, 1, 1, 1) is 2.5, not a count"));
    }

    [Test]
    public void CreateCounts_WithMask_DropsMaskedPixelsLikeFloat32()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.npy", NpyBytes.Npy(NpyBytes.Dict("<u2", "(3, 3, 8, 8)"), NpyBytes.Encode("<u2", Counts(9 * 64, 2))));
        DetectorMask mask = DetectorMask.DirectBeam(8, 8, 4, 4, 2);
        using NpyFrameSource a = NpyFrameSource.Open(path);
        using NpyFrameSource b = NpyFrameSource.Open(path);
        using UnfoldedData counts = UnfoldedData.CreateCounts(a, mask);
        using UnfoldedData floats = UnfoldedData.Create(b, mask);
        var column = new float[counts.NUv];
        counts.CopyColumn(7, column);
        Assert.Multiple(() =>
        {
            Assert.That(counts.IsMapped, Is.False);
            Assert.That(counts.NUv, Is.EqualTo(floats.NUv));
            Assert.That(column, Is.EqualTo(floats.Column(7).ToArray()));
        });
    }

    [TestCase(NmfMethod.Constrained)]
    [TestCase(NmfMethod.Als)]
    public void Factorize_MappedCounts_BitIdenticalToFloat32WithUInt16Storage(NmfMethod method)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.npy", NpyBytes.Npy(NpyBytes.Dict("<u2", "(8, 8, 16, 16)"), NpyBytes.Encode("<u2", Counts(64 * 256, 9))));
        var options = new NmfOptions { Components = 3, Method = method, Iterations = 8, Restarts = 2, Seed = 5, Threads = 2, Storage = XStorage.DenseUInt16 };
        using NpyFrameSource a = NpyFrameSource.Open(path);
        using NpyFrameSource b = NpyFrameSource.Open(path);
        using UnfoldedData mapped = UnfoldedData.CreateCounts(a);
        using UnfoldedData floats = UnfoldedData.Create(b);
        NmfResult m = Factorizer.Run(mapped, options);
        NmfResult f = Factorizer.Run(floats, options);
        Assert.Multiple(() =>
        {
            Assert.That(mapped.IsMapped, Is.True);
            Assert.That(m.W, Is.EqualTo(f.W));
            Assert.That(m.H, Is.EqualTo(f.H));
            Assert.That(() => Factorizer.Run(mapped, options with { Storage = XStorage.Dense }), Throws.ArgumentException.With.Message.Contains("needs float32 X"));
        });

        // Sparse storage is built from the uint16 frames themselves (no float32 copy), with the bits of float32 X.
        NmfResult ms = Factorizer.Run(mapped, options with { Storage = XStorage.Sparse });
        NmfResult fs = Factorizer.Run(floats, options with { Storage = XStorage.Sparse });
        Assert.Multiple(() =>
        {
            Assert.That(ms.Storage, Is.EqualTo(XStorage.Sparse));
            Assert.That(ms.W, Is.EqualTo(fs.W));
            Assert.That(ms.H, Is.EqualTo(fs.H));
        });
    }

    [Test]
    public void Factorize_MappedCounts_PeakAllocationIsTheWorkspaceNotX()
    {
        // 96×96 frames of 32×32: X would be 37.7 MB as float32 (+ 18.9 MB as a uint16 copy); mapped, only W, H and the
        // workspace are allocated.
        using var dir = new TempDirectory();
        string path = dir.Write("x.npy", NpyBytes.Npy(NpyBytes.Dict("<u2", "(96, 96, 32, 32)"), NpyBytes.Encode("<u2", Counts(96 * 96 * 1024, 3))));
        long xFloatBytes = 96L * 96 * 1024 * 4;
        var options = new NmfOptions { Components = 2, Method = NmfMethod.Als, Iterations = 2, Restarts = 1, Threads = 1, Storage = XStorage.DenseUInt16 };
        using NpyFrameSource source = NpyFrameSource.Open(path);
        AlignedBuffer<float>.ResetPeak();
        long before = AlignedBuffer<float>.OutstandingBytes;
        using UnfoldedData x = UnfoldedData.CreateCounts(source);
        Factorizer.Run(x, options);
        long peak = AlignedBuffer<float>.PeakBytes - before;
        RunPlan plan = RunPlan.Create(DataFacts.Of(x), options);
        Assert.Multiple(() =>
        {
            Assert.That(x.IsMapped, Is.True);
            Assert.That(plan.Read, Is.EqualTo(XReadMode.CountsMapped));
            Assert.That(peak, Is.LessThan(xFloatBytes / 10), "mapped X must not be copied");
            Assert.That(plan.StorageBytes, Is.Zero);
            Assert.That(peak, Is.LessThanOrEqualTo(plan.WorkspaceBytes + plan.OtherBytes), "the plan must not under-estimate");
        });
    }
}
