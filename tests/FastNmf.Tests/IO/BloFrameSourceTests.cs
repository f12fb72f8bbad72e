using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO;

[TestFixture]
public sealed class BloFrameSourceTests
{
    private static List<byte[]> Patterns(int count, int side) =>
        Enumerable.Range(0, count).Select(f => Enumerable.Range(0, side * side).Select(i => (byte)((f * 29) + (i * 7))).ToArray()).ToList();

    [Test]
    public void Open_Sample_ReadsTheGridAndPatternsExactly()
    {
        using var dir = new TempDirectory();
        List<byte[]> patterns = Patterns(12, 8);
        string path = dir.Write("scan.blo", BloBytes.File(rows: 3, cols: 4, side: 8, patterns));
        (float[] values, long[] shape, string format) = FrameReading.OpenAndReadAll(path);
        Assert.Multiple(() =>
        {
            Assert.That(format, Is.EqualTo("blo"));
            Assert.That(shape, Is.EqualTo(new long[] { 3, 4, 8, 8 }));
            Assert.That(values, Is.EqualTo(patterns.SelectMany(p => p).Select(v => (float)v)));
        });
    }

    [Test]
    public void Open_Truncated_ThrowsWithTheOffsetOfTheFirstIncompletePattern()
    {
        using var dir = new TempDirectory();
        byte[] file = BloBytes.File(3, 4, 8, Patterns(12, 8));
        string path = dir.Write("cut.blo", file[..^10]);
        int dataOffset = 0x1000 + 12 + 12; // VBF offset + NX·NY, then padded as the writer does (+ offset % 16)
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>()
            .With.Message.Contains($"at byte {dataOffset + (11 * 70)}:").And.Message.Contains("11 whole pattern(s)"));
    }

    [Test]
    public void ReadFrames_RecordWithoutItsMarker_ThrowsNamingThePattern()
    {
        using var dir = new TempDirectory();
        byte[] file = BloBytes.File(3, 4, 8, Patterns(12, 8));
        int at = 0x1000 + 24 + (5 * 70);
        file[at] = 0;
        string path = dir.Write("bad.blo", file);
        using FrameSource source = FrameFormats.Open(path);
        Assert.That(() => FrameReading.ReadAll(source), Throws.TypeOf<DataFormatException>().With.Message.Contains($"at byte {at}: pattern 5"));
    }

    [Test]
    public void Open_CheckedInHyperSpySample_ReadsWhatHyperSpyWrote()
    {
        // Samples/hyperspy.blo and hyperspy.npy were written by Debian's python3-hyperspy 1.7.3 (Samples/make_blo.py).
        string samples = Path.Combine(TestContext.CurrentContext.TestDirectory, "Samples");
        NpyArray expected = NpyReader.ReadFloat32(Path.Combine(samples, "hyperspy.npy"));
        (float[] values, long[] shape, _) = FrameReading.OpenAndReadAll(Path.Combine(samples, "hyperspy.blo"));
        Assert.Multiple(() =>
        {
            Assert.That(shape, Is.EqualTo(expected.Shape));
            Assert.That(values, Is.EqualTo(expected.Data));
        });
    }

    [Test]
    [Category("Slow")] // starts HyperSpy (seconds); ignored where python3-hyperspy is not installed
    public void Open_WrittenByHyperSpyNow_ReadsWhatHyperSpyWrote()
    {
        using var dir = new TempDirectory();
        string samples = Path.Combine(TestContext.CurrentContext.TestDirectory, "Samples");
        PythonTool.Run(File.ReadAllText(Path.Combine(samples, "make_blo.py")), ["hyperspy.api"], dir.Path);
        NpyArray expected = NpyReader.ReadFloat32(dir.PathOf("hyperspy.npy"));
        (float[] values, long[] shape, _) = FrameReading.OpenAndReadAll(dir.PathOf("hyperspy.blo"));
        Assert.Multiple(() =>
        {
            Assert.That(shape, Is.EqualTo(expected.Shape));
            Assert.That(values, Is.EqualTo(expected.Data));
        });
    }
}
