using System.Buffers.Binary;
using FastNmf.Data;
using FastNmf.IO;
using FastNmf.Simulation;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO;

/// <summary>
/// The demo's simulated data (counts, 128×128 detector so EMPAD can hold it) written as .npy and in every detector
/// format, each factorized with the same seed: W and H must be bit-identical to the .npy run, since every format stores
/// the counts exactly and every reader converts them to float32 exactly.
/// </summary>
[TestFixture]
public sealed class CrossFormatTests
{
    private const int Rows = 6, Cols = 6, Det = 128;
    private static readonly Lazy<(float[] Data, NmfResult Reference)> s_reference = new(Reference);

    private static NmfOptions Options => new() { Components = 4, Iterations = 6, Restarts = 2, Seed = 11, Threads = 2 };

    private static (float[] Data, NmfResult Reference) Reference()
    {
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = Rows, ScanCols = Cols, DetRows = Det, DetCols = Det, Seed = 2 });
        using var dir = new TempDirectory();
        string path = dir.PathOf("sim.npy");
        NpyWriter.Write(path, data.Data, [Rows, Cols, Det, Det]);
        return (data.Data, Factorize(path, FrameSourceOptions.Default));
    }

    private static NmfResult Factorize(string path, FrameSourceOptions options)
    {
        using FrameSource source = FrameFormats.Open(path, options);
        using UnfoldedData x = UnfoldedData.Create(source);
        return Factorizer.Run(x, Options);
    }

    private static int[][] Counts(float[] data) =>
        Enumerable.Range(0, Rows * Cols).Select(f => data.AsSpan(f * Det * Det, Det * Det).ToArray().Select(v => (int)v).ToArray()).ToArray();

    [TestCase("mib U16")]
    [TestCase("mib RAW 12-bit")]
    [TestCase("empad")]
    [TestCase("dm4")]
    [TestCase("dm3 hybrid order")]
    [TestCase("npz deflated")]
    public void Factorize_SimulatedDataInAnotherFormat_SameWAndHAsNpy(string format)
    {
        (float[] data, NmfResult reference) = s_reference.Value;
        Assert.That(data.All(v => v == MathF.Floor(v) && v >= 0 && v < 4096), "the simulated counts fit 12 bits");
        using var dir = new TempDirectory();
        int[][] frames = Counts(data);
        var scan = new FrameSourceOptions { ScanShape = new ScanShape(Rows, Cols) };
        (string path, FrameSourceOptions options) = format switch
        {
            "mib U16" => (dir.Write("sim.mib", MibBytes.File(new MibBytes.Layout("U16", 12, Det, Det), frames)), scan),
            "mib RAW 12-bit" => (dir.Write("sim.mib", MibBytes.File(new MibBytes.Layout("R64", 12, Det, Det), frames)), scan),
            "empad" => (Empad(dir, frames), FrameSourceOptions.Default),
            "dm4" => (dir.Write("sim.dm4", Dm(4, frames, hybrid: false)), FrameSourceOptions.Default),
            "dm3 hybrid order" => (dir.Write("sim.dm3", Dm(3, frames, hybrid: true)), FrameSourceOptions.Default),
            _ => (dir.Write("sim.npz", ZipBytes.Build([new("sim.npy", NpyBytes.Npy(NpyBytes.Dict("<u2", $"({Rows}, {Cols}, {Det}, {Det})"), NpyBytes.Encode("<u2", data.Select(v => (double)v).ToArray())), Deflate: true)])), FrameSourceOptions.Default),
        };

        NmfResult result = Factorize(path, options);
        Assert.Multiple(() =>
        {
            Assert.That(result.W, Is.EqualTo(reference.W), "W");
            Assert.That(result.H, Is.EqualTo(reference.H), "H");
        });
    }

    private static string Empad(TempDirectory dir, int[][] frames)
    {
        dir.Write("sim.raw", EmpadBytes.Raw(frames.Select(f => f.Select(v => (float)v).ToArray()).ToList()));
        return dir.Write("sim.xml", EmpadBytes.Xml("sim.raw", Rows, Cols));
    }

    private static byte[] Dm(int version, int[][] frames, bool hybrid)
    {
        int nDet = Det * Det, nXy = Rows * Cols;
        var pixels = new byte[nXy * nDet * 2];
        for (int f = 0; f < nXy; f++)
        {
            for (int p = 0; p < nDet; p++)
            {
                int at = hybrid ? (p * nXy) + f : (f * nDet) + p;
                BinaryPrimitives.WriteUInt16LittleEndian(pixels.AsSpan(2 * at), (ushort)frames[f][p]);
            }
        }

        long[] dims = hybrid ? [Cols, Rows, Det, Det] : [Det, Det, Cols, Rows];
        return DmBytes.File(version, new DmBytes.Group("ImageList", DmBytes.Image(10, 4, 2, dims, pixels, !hybrid)));
    }
}
