using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO;

[TestFixture]
public sealed class NpzFrameSourceTests
{
    private static readonly double[] s_values = Enumerable.Range(0, 3 * 4 * 5 * 6).Select(i => (double)((i * 13) % 31)).ToArray();

    private static byte[] Data(string descr = "<u2", bool fortran = false) =>
        NpyBytes.Npy(NpyBytes.Dict(descr, "(3, 4, 5, 6)", fortran), NpyBytes.Encode(descr, fortran ? ToFortran(s_values) : s_values));

    private static byte[] Small() => NpyBytes.Npy(NpyBytes.Dict("<f8", "(3,)"), NpyBytes.Encode("<f8", [1, 2, 3]));

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public void Open_OnlyFourDimensionalMember_ReadsItExactly(bool deflate, bool zip64)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.npz", ZipBytes.Build([new("scale.npy", Small(), deflate), new("data.npy", Data(), deflate)], zip64));
        (float[] values, long[] shape, string format) = FrameReading.OpenAndReadAll(path);
        Assert.Multiple(() =>
        {
            Assert.That(format, Is.EqualTo("npz"));
            Assert.That(shape, Is.EqualTo(new long[] { 3, 4, 5, 6 }));
            Assert.That(values, Is.EqualTo(s_values.Select(v => (float)v)));
        });
    }

    [Test]
    public void Open_StoredFortranMember_GathersFromTheMapAtTheMemberOffset()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.npz", ZipBytes.Build([new("a.npy", Small()), new("data.npy", Data(">f4", fortran: true))]));
        (float[] values, _, _) = FrameReading.OpenAndReadAll(path);
        Assert.That(values, Is.EqualTo(s_values.Select(v => (float)v)));
    }

    [Test]
    public void Open_DeflatedFortranMember_ThrowsSayingHowToSaveIt()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.npz", ZipBytes.Build([new("data.npy", Data("<f4", fortran: true), Deflate: true)]));
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>().With.Message.StartsWith(path + ":data.npy").And.Message.Contains("C order"));
    }

    [Test]
    public void ReadFrames_BackwardsInADeflatedMember_RestartsAndGivesTheSameFrames()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.npz", ZipBytes.Build([new("data.npy", Data(), Deflate: true)]));
        using FrameSource source = FrameFormats.Open(path);
        float[] all = FrameReading.ReadAll(source);
        var again = new float[2 * source.FrameLength];
        source.ReadFrames(3, 2, again);
        Assert.That(again, Is.EqualTo(all.AsSpan(3 * source.FrameLength, 2 * source.FrameLength).ToArray()));
    }

    [Test]
    public void Open_MemberByName_WithOrWithoutExtension()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.npz", ZipBytes.Build([new("a.npy", Data()), new("b.npy", Data("<f8"))]));
        using FrameSource a = FrameFormats.Open(path + ":b");
        using FrameSource b = FrameFormats.Open(path, new FrameSourceOptions { Member = "b.npy" });
        Assert.Multiple(() =>
        {
            Assert.That(a.SourceDtype, Is.EqualTo("float64"));
            Assert.That(b.Path, Is.EqualTo(path + ":b.npy"));
        });
    }

    [Test]
    public void Open_TwoCandidates_ThrowsListingThem()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.npz", ZipBytes.Build([new("a.npy", Data()), new("b.npy", Data())]));
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>()
            .With.Message.Contains("a.npy (3, 4, 5, 6)").And.Message.Contains("b.npy").And.Message.Contains(":NAME"));
    }

    [Test]
    public void Open_MissingMember_ThrowsListingTheMembers()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.npz", ZipBytes.Build([new("a.npy", Data())]));
        Assert.That(() => FrameFormats.Open(path, new FrameSourceOptions { Member = "frames" }),
            Throws.TypeOf<DataFormatException>().With.Message.Contains("no member 'frames'; members: a.npy"));
    }

    [Test]
    public void Open_TruncatedArchive_ThrowsNoEndRecord()
    {
        using var dir = new TempDirectory();
        byte[] zip = ZipBytes.Build([new("data.npy", Data())]);
        string path = dir.Write("x.npz", zip[..^30]);
        Assert.That(() => FrameFormats.Open(path), Throws.TypeOf<DataFormatException>().With.Message.Contains("end-of-central-directory"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Open_NumPySavez_ReadsWhatNumPyWrote(bool compressed)
    {
        using var dir = new TempDirectory();
        string path = dir.PathOf("numpy.npz");
        PythonTool.Run(
            "import sys, numpy as np\n" +
            "x = (np.arange(3*4*5*6) * 13 % 31).astype('>u2').reshape(3, 4, 5, 6)\n" +
            "(np.savez_compressed if sys.argv[2] == '1' else np.savez)(sys.argv[1], frames=x, other=np.arange(3))\n",
            ["numpy"], path, compressed ? "1" : "0");
        (float[] values, long[] shape, _) = FrameReading.OpenAndReadAll(path + ":frames");
        Assert.Multiple(() =>
        {
            Assert.That(shape, Is.EqualTo(new long[] { 3, 4, 5, 6 }));
            Assert.That(values, Is.EqualTo(s_values.Select(v => (float)v)));
        });
    }

    private static double[] ToFortran(double[] c)
    {
        int[] dims = [3, 4, 5, 6];
        var f = new double[c.Length];
        for (int i = 0; i < c.Length; i++)
        {
            int rest = i, fi = 0, stride = 1;
            int[] index = new int[4];
            for (int d = 3; d >= 0; d--)
            {
                index[d] = rest % dims[d];
                rest /= dims[d];
            }

            for (int d = 0; d < 4; d++)
            {
                fi += index[d] * stride;
                stride *= dims[d];
            }

            f[fi] = c[i];
        }

        return f;
    }
}
