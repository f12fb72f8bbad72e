using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO;

/// <summary>
/// Feeds every reader seeded truncations and byte flips of its sample file and asserts that each either reads cleanly
/// or fails with the one documented exception, <see cref="DataFormatException"/> — never another exception type, a
/// crash or a hang. Flips favour the places where the structure lives (the first and last bytes).
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class ReaderFuzzTests
{
    private const int Mutations = 300;

    /// <summary>A sample: its files (the first is opened), the format, and the options it needs.</summary>
    public sealed record Sample(string Format, (string Name, byte[] Bytes)[] Files, ScanShape? Scan = null);

    private static IEnumerable<TestCaseData> Samples()
    {
        double[] values = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(i => (double)(i % 17)).ToArray();
        byte[] npy = NpyBytes.Npy(NpyBytes.Dict("<u2", "(2, 3, 4, 5)"), NpyBytes.Encode("<u2", values));
        byte[] fortran = NpyBytes.Npy(NpyBytes.Dict(">f4", "(6, 4, 5)", fortran: true), NpyBytes.Encode(">f4", values));
        yield return Case(new("npy", [("x.npy", npy)]), "npy C");
        yield return Case(new("npy", [("x.npy", fortran)], new ScanShape(2, 3)), "npy Fortran 3-D");
        yield return Case(new("npz", [("x.npz", ZipBytes.Build([new("a.npy", npy), new("b.npy", NpyBytes.Npy(NpyBytes.Dict("<f8", "(2,)"), new byte[16]))]))]), "npz stored");
        yield return Case(new("npz", [("x.npz", ZipBytes.Build([new("a.npy", npy, Deflate: true)], zip64: true))]), "npz deflated zip64");
        var u16 = new MibBytes.Layout("U16", 12, 4, 4);
        yield return Case(new("mib", [("x.mib", MibBytes.File(u16, MibBytes.RandomFrames(4, 16, 12, 1))), ("x.hdr", MibBytes.Hdr(4, 2))]), "mib U16 + hdr");
        var raw = new MibBytes.Layout("R64", 6, 16, 8);
        yield return Case(new("mib", [("x.mib", MibBytes.File(raw, MibBytes.RandomFrames(4, 128, 6, 2)))], new ScanShape(2, 2)), "mib RAW 6-bit");
        float[][] frames = [Enumerable.Range(0, 128 * 128).Select(i => (float)(i % 7)).ToArray(), new float[128 * 128]];
        yield return Case(new("empad", [("x.xml", EmpadBytes.Xml("x.raw", 1, 2)), ("x.raw", EmpadBytes.Raw(frames))]), "empad xml");
        yield return Case(new("empad", [("x.raw", EmpadBytes.Raw(frames)), ("x.xml", EmpadBytes.Xml("x.raw", 1, 2))]), "empad raw");
        int[] counts = Enumerable.Range(0, 2 * 2 * 3 * 3).Select(i => i * 3).ToArray();
        byte[] pixels = counts.SelectMany(c => BitConverter.GetBytes((ushort)c)).ToArray();
        foreach (int version in new[] { 3, 4 })
        {
            byte[] dm = DmBytes.File(version, new DmBytes.Group("ImageList",
                DmBytes.Image(6, 10, 1, [4, 4], new byte[16], null),
                DmBytes.Image(10, 4, 2, [3, 3, 2, 2], pixels, version == 4)));
            yield return Case(new("dm", [($"x.dm{version}", dm)]), $"dm{version}");
        }

        var patterns = Enumerable.Range(0, 6).Select(f => Enumerable.Range(0, 16).Select(i => (byte)(f + i)).ToArray()).ToList();
        yield return Case(new("blo", [("x.blo", BloBytes.File(2, 3, 4, patterns))]), "blo");
    }

    private static TestCaseData Case(Sample sample, string name) => new TestCaseData(sample).SetArgDisplayNames(name);

    [TestCaseSource(nameof(Samples))]
    public void Open_TruncatedOrFlippedSample_ReadsOrThrowsDataFormatExceptionOnly(Sample sample)
    {
        using var dir = new TempDirectory();
        var options = new FrameSourceOptions { Format = sample.Format, ScanShape = sample.Scan };
        string path = Write(dir, sample, sample.Files[0].Bytes);
        Assert.That(ReadOrReject(path, options), Is.Null, "the intact sample must read");

        var random = new Random(HashCode.Combine(sample.Format, sample.Files[0].Bytes.Length));
        int rejected = 0;
        for (int m = 0; m < Mutations; m++)
        {
            (byte[] mutated, string what) = Mutate(sample.Files[0].Bytes, random);
            path = Write(dir, sample, mutated);
            Exception? e = ReadOrReject(path, options);
            if (e is DataFormatException d)
            {
                rejected++;
                Assert.That(d.Message, Does.StartWith(d.Path), $"{what}: the message must name the file");
            }
            else if (e is not null)
            {
                Assert.Fail($"{sample.Format} {what}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }

        TestContext.Out.WriteLine($"{sample.Format}: {rejected} of {Mutations} mutations rejected with DataFormatException, the rest read");

        // Every truncation of these small files must be noticed; a third of the mutations are truncations.
        Assert.That(rejected, Is.GreaterThanOrEqualTo(Mutations / 4), "too few mutations were rejected: the reader checks too little");
    }

    private static Exception? ReadOrReject(string path, FrameSourceOptions options)
    {
        try
        {
            using FrameSource source = FrameFormats.Open(path, options);
            FrameReading.ReadAll(source);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static (byte[] Bytes, string What) Mutate(byte[] original, Random random)
    {
        if (random.Next(3) == 0)
        {
            int length = random.Next(original.Length);
            return (original[..length], $"truncated to {length} bytes");
        }

        byte[] bytes = (byte[])original.Clone();
        int flips = 1 + random.Next(4);
        var where = new List<string>();
        for (int f = 0; f < flips; f++)
        {
            int region = random.Next(4);
            int at = region switch
            {
                0 or 1 => random.Next(Math.Min(bytes.Length, 512)),
                2 => bytes.Length - 1 - random.Next(Math.Min(bytes.Length, 256)),
                _ => random.Next(bytes.Length),
            };
            bytes[at] ^= (byte)(1 + random.Next(255));
            where.Add(at.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return (bytes, $"bytes {string.Join(", ", where)} flipped");
    }

    // The first file is the one mutated and opened; companions (.hdr, .raw) are written intact.
    private static string Write(TempDirectory dir, Sample sample, byte[] first)
    {
        for (int i = 1; i < sample.Files.Length; i++)
        {
            dir.Write(sample.Files[i].Name, sample.Files[i].Bytes);
        }

        return dir.Write(sample.Files[0].Name, first);
    }
}
