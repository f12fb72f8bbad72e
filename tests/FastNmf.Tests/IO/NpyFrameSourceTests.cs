using FastNmf.Data;
using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO;

[TestFixture]
public sealed class NpyFrameSourceTests
{
    private static IEnumerable<TestCaseData> Layouts()
    {
        foreach (string descr in new[] { "<f4", ">f4", "<u2", ">u2", "|u1", "<i4", "<f8", ">f8", "<u4" })
        {
            yield return new TestCaseData(descr, false).SetArgDisplayNames(descr, "C");
            yield return new TestCaseData(descr, true).SetArgDisplayNames(descr, "Fortran");
        }
    }

    [TestCaseSource(nameof(Layouts))]
    public void ReadFrames_AnyDtypeAndOrder_MatchesTheWholeFileReader(string descr, bool fortran)
    {
        using var dir = new TempDirectory();
        long[] shape = [3, 5, 4, 7];
        double[] values = Values(420, seed: 11);
        string path = dir.Write("x.npy", NpyBytes.Npy(NpyBytes.Dict(descr, "(3, 5, 4, 7)", fortran), NpyBytes.Encode(descr, values)));
        float[] expected = NpyReader.ReadFloat32(path).Data;

        using NpyFrameSource source = NpyFrameSource.Open(path);
        Assert.That(source.Shape, Is.EqualTo(shape));
        var all = new float[expected.Length];
        // Odd block boundaries: 2 frames, then 1, then the remaining 12.
        source.ReadFrames(0, 2, all.AsSpan(0, 2 * 28));
        source.ReadFrames(2, 1, all.AsSpan(2 * 28, 28));
        source.ReadFrames(3, 12, all.AsSpan(3 * 28));
        Assert.That(all, Is.EqualTo(expected));
    }

    [Test]
    public void ReadFrames_OutOfRange_ThrowsNamingTheFrames()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", "(2, 2, 2, 2)"), NpyBytes.Encode("<f4", Values(16, 1))));
        using NpyFrameSource source = NpyFrameSource.Open(path);
        var buffer = new float[64];
        Assert.Multiple(() =>
        {
            Assert.That(() => source.ReadFrames(3, 2, buffer), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("[3, 5)"));
            Assert.That(() => source.ReadFrames(0, 2, buffer.AsSpan(0, 7).ToArray()), Throws.ArgumentException.With.Message.Contains("need 8"));
        });
    }

    [Test]
    public void Open_TwoDimensions_ThrowsNamingTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("two.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", "(2, 4)"), NpyBytes.Encode("<f4", Values(8, 1))));
        Assert.That(() => NpyFrameSource.Open(path), Throws.TypeOf<DataFormatException>().With.Message.StartsWith(path).And.Message.Contains("expected 4"));
    }

    [Test]
    public void Open_Truncated_ThrowsWithTheDataOffset()
    {
        using var dir = new TempDirectory();
        byte[] file = NpyBytes.Npy(NpyBytes.Dict("<f4", "(2, 2, 2, 2)"), NpyBytes.Encode("<f4", Values(16, 1)));
        string path = dir.Write("cut.npy", file[..^5]);
        int dataOffset = file.Length - (16 * 4);
        Assert.That(() => NpyFrameSource.Open(path),
            Throws.TypeOf<DataFormatException>().With.Message.Contains("truncated").And.Message.Contains($"at byte {dataOffset}:"));
    }

    [Test]
    public void UnfoldedDataCreate_FromFileWithMask_EqualsCreateFromTheArray()
    {
        using var dir = new TempDirectory();
        // 40×40 frames of 32×32: 6.5 MB of float32, more than one 4 MiB read block.
        double[] values = Values(40 * 40 * 32 * 32, seed: 5);
        string path = dir.Write("x.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", "(40, 40, 32, 32)"), NpyBytes.Encode("<f4", values)));
        DetectorMask mask = DetectorMask.DirectBeam(32, 32, 16, 16, radius: 3);
        var data = new Dataset4D(NpyReader.ReadFloat32(path).Data, 40, 40, 32, 32);

        using NpyFrameSource source = NpyFrameSource.Open(path);
        var reported = new List<long>();
        using UnfoldedData streamed = UnfoldedData.Create(source, mask, progress: new SyncProgress(reported));
        using UnfoldedData whole = UnfoldedData.Create(data, mask);
        Assert.Multiple(() =>
        {
            Assert.That(streamed.NUv, Is.EqualTo(whole.NUv));
            Assert.That(streamed.SumOfSquares, Is.EqualTo(whole.SumOfSquares));
            Assert.That(reported, Has.Count.GreaterThan(1));
            Assert.That(reported[^1], Is.EqualTo(1600));
        });
        for (int j = 0; j < whole.NXy; j += 97)
        {
            Assert.That(streamed.Column(j).ToArray(), Is.EqualTo(whole.Column(j).ToArray()), $"frame {j}");
        }
    }

    [TestCase(float.NaN, "(1, 0, 1, 0) is NaN")]
    [TestCase(float.PositiveInfinity, "(1, 0, 1, 0) is infinity")]
    [TestCase(float.NegativeInfinity, "(1, 0, 1, 0) is -infinity")]
    [TestCase(-2f, "(1, 0, 1, 0) is negative (-2)")]
    public void UnfoldedDataCreate_BadValue_ThrowsNamingFileAndElement(float bad, string expected)
    {
        using var dir = new TempDirectory();
        double[] values = Values(16, seed: 3);
        values[(2 * 4) + 2] = bad; // frame 2 = scan (1, 0), pixel 2 = detector (1, 0)
        string path = dir.Write("bad.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", "(2, 2, 2, 2)"), NpyBytes.Encode("<f4", values)));
        using NpyFrameSource source = NpyFrameSource.Open(path);
        Assert.That(() => UnfoldedData.Create(source), Throws.TypeOf<DataFormatException>().With.Message.StartsWith(path).And.Message.Contains(expected));
    }

    [Test]
    public void UnfoldedDataCreate_ClipNegative_ZeroesAndCounts()
    {
        using var dir = new TempDirectory();
        double[] values = Values(16, seed: 3);
        values[1] = -1;
        values[9] = -0.5;
        string path = dir.Write("neg.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", "(2, 2, 2, 2)"), NpyBytes.Encode("<f4", values)));
        using NpyFrameSource source = NpyFrameSource.Open(path);
        using UnfoldedData x = UnfoldedData.Create(source, clipNegative: true);
        Assert.Multiple(() =>
        {
            Assert.That(x.ClippedValues, Is.EqualTo(2));
            Assert.That(x.Column(0)[1], Is.Zero);
            Assert.That(x.Column(2)[1], Is.Zero);
            Assert.That(x.Column(3)[0], Is.EqualTo((float)values[12]));
        });
    }

    private static double[] Values(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (double)random.Next(0, 250)).ToArray();
    }

    private sealed class SyncProgress(List<long> reports) : IProgress<long>
    {
        public void Report(long value) => reports.Add(value);
    }
}
