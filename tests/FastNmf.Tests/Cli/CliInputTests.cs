using System.Text.Json;
using FastNmf.Cli.Commands;
using FastNmf.Factorization;
using FastNmf.IO;
using FastNmf.Simulation;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;
using SkiaSharp;

namespace FastNmf.Tests.Cli;

/// <summary>Input options of factorize: formats, preprocessing, masks, the memory plan.</summary>
[TestFixture]
[NonParallelizable]
public sealed class CliInputTests : CliHarness
{
    // A header-only .npy claiming 256×256×256×256 uint16 (32 GiB) on a sparse file: nothing but the header is on disk.
    private string WriteHugeSparse()
    {
        byte[] header = NpyBytes.Npy(NpyBytes.Dict("<u2", "(256, 256, 256, 256)"), []);
        string path = PathOf("huge.npy");
        using (var f = new FileStream(path, FileMode.CreateNew))
        {
            f.Write(header);
            f.SetLength(header.Length + (256L * 256 * 256 * 256 * 2));
        }

        return path;
    }

    [Test]
    public void Factorize_DryRunOn32GiBFile_PrintsThePlanWithoutReading()
    {
        string input = WriteHugeSparse();
        Result auto = Run("factorize", input, "-k", "4", "--dry-run");
        Result dense = Run("factorize", input, "-k", "4", "--dry-run", "--storage", "dense");
        Result counts = Run("factorize", input, "-k", "4", "--dry-run", "--storage", "uint16");
        Assert.Multiple(() =>
        {
            Assert.That(auto.Code, Is.Zero, auto.ToString());
            Assert.That(auto.Output, Does.Match(@"X\s+0 bytes\s+uint16 counts memory-mapped"), "counted uint16 data are mapped by default");
            Assert.That(auto.Output, Does.Contain("no frame was read beyond the sample"));
            Assert.That(dense.Code, Is.Zero, dense.ToString());
            Assert.That(dense.Output, Does.Match(@"X\s+16\.00 GiB\s+float32"));
            Assert.That(dense.Output, Does.Match(@"total\s+16\.18 GiB"));
            Assert.That(counts.Code, Is.Zero, counts.ToString());
            Assert.That(counts.Output, Does.Match(@"X\s+0 bytes\s+uint16 counts memory-mapped"));
            Assert.That(counts.Output, Does.Match(@"total\s+188\.3 MiB"));
            Assert.That(Directory.GetFileSystemEntries(WorkDirectory), Is.EqualTo(new[] { input }));
        });
    }

    [Test]
    public void AfterReading_AutoCopyThatDoesNotFit_FallsBackToDense_AnExplicitStorageIsRefused()
    {
        (FastNmf.Data.Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 12, ScanCols = 12, DetRows = 32, DetCols = 32, Seed = 1 });
        using FastNmf.Data.UnfoldedData x = FastNmf.Data.UnfoldedData.Create(data);
        var auto = new NmfOptions { Components = 3, Restarts = 10 };
        Environment.SetEnvironmentVariable("FASTNMF_AVAILABLE_MEMORY", "64K");
        try
        {
            Assert.Multiple(() =>
            {
                Assert.That(MemoryCheck.AfterReading(x, auto).Storage, Is.EqualTo(XStorage.Dense), "auto's sparse copy (~0.6 MiB) does not fit in 64 KiB");
                Assert.That(() => MemoryCheck.AfterReading(x, auto with { Storage = XStorage.Sparse }),
                    Throws.TypeOf<InsufficientMemoryException>().With.Message.Contains("--storage auto"));
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable("FASTNMF_AVAILABLE_MEMORY", null);
        }

        Assert.That(MemoryCheck.AfterReading(x, auto).Storage, Is.EqualTo(Factorizer.ChooseStorage(x, 30)), "with memory to spare, the measured choice");
    }

    [Test]
    public void Factorize_DoesNotFit_RefusesBeforeReadingAndSuggestsWhatFits()
    {
        string input = WriteHugeSparse();
        Environment.SetEnvironmentVariable("FASTNMF_AVAILABLE_MEMORY", "6G");
        Result result;
        try
        {
            result = Run("factorize", input, "-k", "4", "--out", PathOf("D"), "--storage", "dense");
        }
        finally
        {
            Environment.SetEnvironmentVariable("FASTNMF_AVAILABLE_MEMORY", null);
        }

        AssertFailedCleanly(result, "D", "needs 16.18 GiB");
        Assert.Multiple(() =>
        {
            Assert.That(result.Code, Is.EqualTo(3));
            Assert.That(result.Error, Does.Contain("6.00 GiB are available"));
            Assert.That(result.Error, Does.Contain("--storage uint16 (188.3 MiB: X memory-mapped from the file)"));
            Assert.That(result.Error, Does.Contain("--bin-detector 2 (4.09 GiB)"));
            Assert.That(result.Output, Does.Not.Contain("reading ["));
        });
    }

    [Test]
    public void Factorize_CropBinAndEveryMask_RunsAndRecordsTheMask()
    {
        string input = WriteSimulated("X.npy");
        // The simulated set has no direct beam: add one (radius 4 at (15, 17) on the 32×32 detector, 8 on 16×16 after
        // binning) for --mask-direct-beam auto to find and for [·]_W to centre on.
        NpyArray x = NpyReader.ReadFloat32(input);
        for (long f = 0; f < x.Shape[0] * x.Shape[1]; f++)
        {
            for (int r = 0; r < 32; r++)
            {
                for (int c = 0; c < 32; c++)
                {
                    if (Math.Pow(r - 15, 2) + Math.Pow(c - 17, 2) <= 16)
                    {
                        x.Data[(f * 1024) + (r * 32) + c] += 2000;
                    }
                }
            }
        }

        File.Delete(input);
        NpyWriter.Write(input, x.Data, x.Shape);
        // A 16×16 PNG (the binned detector's geometry) with one white pixel.
        string png = PathOf("mask.png");
        using (var bitmap = new SKBitmap(16, 16))
        {
            bitmap.Erase(SKColors.Black);
            bitmap.SetPixel(3, 2, SKColors.White);
            using SKData encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(png, encoded.ToArray());
        }

        string output = PathOf("D");
        Result result = Run("factorize", input, "-k", "3", "--out", output, "--iterations", "5", "--restarts", "1",
            "--crop-scan", "0:10,2:12", "--bin-detector", "2", "--mask", png, "--mask-direct-beam", "auto", "--mask-dead-hot");

        Assert.That(result.Code, Is.Zero, result.ToString());
        JsonElement mask = ReadSummary(output).GetProperty("mask");
        Assert.Multiple(() =>
        {
            Assert.That(result.Output, Does.Contain("cropped: scan 0:10,2:12"));
            Assert.That(result.Output, Does.Contain("binned (sums): scan 1×1, detector 2×2 → 10×10 scan, 16×16 detector"));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(output, "W.npy")).Shape, Is.EqualTo(new long[] { 3, 16, 16 }));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(output, "H.npy")).Shape, Is.EqualTo(new long[] { 3, 10, 10 }));
            Assert.That(mask.ToString(), Does.Contain("file").And.Contain("direct-beam disc found").And.Contain("dead/hot"));
            Assert.That(result.Output, Does.Match(@"\[·\]_W polar centre: \(7\.\d*, 8\.\d*\), from the direct-beam disc"), "the binned beam sits at (7.25, 8.25)");
            Assert.That(ReadSummary(output).GetProperty("constraints").GetProperty("polar_centre_row").GetDouble(), Is.EqualTo(7.25).Within(0.3));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(output, "W.npy")).Data[(2 * 16) + 3], Is.Zero, "the masked pixel refolds as 0");
        });
    }

    [Test]
    public void Factorize_MaskOfTheWrongShape_FailsNamingBothShapes()
    {
        string input = WriteSimulated("X.npy");
        string mask = PathOf("mask.npy");
        NpyWriter.Write(mask, new float[20 * 20], [20, 20]);
        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--mask", mask);
        AssertFailedCleanly(result, "D", "mask is 20×20");
        Assert.That(result.Error, Does.Contain("detector is 32×32"));
    }

    [Test]
    public void Factorize_UInt16StorageOnUInt16Npy_MapsTheFileAndMatchesFloat32Storage()
    {
        string input = PathOf("counts.npy");
        Result simulate = Run("simulate", "--out", input, "--scan-rows", "8", "--scan-cols", "8", "--det-rows", "16", "--det-cols", "16", "--dtype", "uint16");
        Assert.That(simulate.Code, Is.Zero, simulate.ToString());
        Result mapped = Run("factorize", input, "-k", "3", "--out", PathOf("M"), "--iterations", "6", "--restarts", "2", "--storage", "uint16");
        Result copied = Run("factorize", input, "-k", "3", "--out", PathOf("C"), "--iterations", "6", "--restarts", "2", "--storage", "uint16", "--clip-negative");
        Assert.Multiple(() =>
        {
            Assert.That(mapped.Code, Is.Zero, mapped.ToString());
            Assert.That(mapped.Output, Does.Contain("memory-mapped"));
            Assert.That(File.ReadAllBytes(PathOf("M/W.npy")), Is.EqualTo(File.ReadAllBytes(PathOf("C/W.npy"))));
            Assert.That(File.ReadAllBytes(PathOf("M/H.npy")), Is.EqualTo(File.ReadAllBytes(PathOf("C/H.npy"))));
        });
    }

    [Test]
    public void Pca_BinnedAndCropped_SeesTheSameXAsFactorize()
    {
        string input = WriteSimulated("X.npy");
        Result result = Run("pca", input, "-K", "3", "--crop-scan", "2:10,:", "--bin-detector", "2", "--mask-direct-beam", "auto");
        Assert.Multiple(() =>
        {
            Assert.That(result.Code, Is.Zero, result.ToString());
            Assert.That(result.Output, Does.Contain("8×12 scan, 16×16 detector"));
            Assert.That(result.Output, Does.Match(@"X: \d+ detector pixels × 96 scan positions"));
            Assert.That(result.Output, Does.Contain("direct-beam disc found"));
        });
    }

    [TestCase("--bin-scan", "20", "binning 12 scan rows by 20")]
    [TestCase("--crop-detector", "0:40,0:8", "outside 0:32")]
    [TestCase("--mask-direct-beam", "yes", "auto")]
    public void Factorize_BadPreprocessingOption_FailsCleanly(string option, string value, string expected)
    {
        string input = WriteSimulated("X.npy");
        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), option, value);
        AssertFailedCleanly(result, "D", expected);
    }

    [Test]
    public void Factorize_MibWithBrokenHdr_FailsWithoutScanShape_AndWarnsWithIt()
    {
        var layout = new MibBytes.Layout("U16", 12, 4, 4);
        string mib = PathOf("scan.mib");
        File.WriteAllBytes(mib, MibBytes.File(layout, MibBytes.RandomFrames(12, 16, 12, seed: 5)));
        File.WriteAllText(PathOf("scan.hdr"), "truncated by the acquisition PC\n");

        Result without = Run("factorize", mib, "-k", "2", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");
        AssertFailedCleanly(without, "D", "scan.hdr");

        Result with = Run("factorize", mib, "-k", "2", "--out", PathOf("E"), "--iterations", "2", "--restarts", "1", "--scan-shape", "3x4");
        Assert.Multiple(() =>
        {
            Assert.That(with.Code, Is.Zero, with.ToString());
            Assert.That(with.Error, Does.StartWith("fastnmf: warning: ignored the acquisition header").And.Contain("scan.hdr"));
            Assert.That(NpyReader.ReadFloat32(PathOf("E/H.npy")).Shape, Is.EqualTo(new long[] { 2, 3, 4 }));
        });
    }

    [Test]
    public void Factorize_Centre_SetsThePolarCentreAndAnalyzeKeepsIt()
    {
        string input = WriteComponents("X.npy", seed: 6);
        Result outside = Run("factorize", input, "-k", "2", "--out", PathOf("D"), "--centre", "9,1");
        AssertFailedCleanly(outside, "D", "--centre 9,1: outside the 8×8 detector");

        Result result = Run("factorize", input, "-k", "2", "--out", PathOf("E"), "--iterations", "3", "--restarts", "1", "--centre", "3,4.5", "--report", "false");
        Assert.That(result.Code, Is.Zero, result.ToString());
        JsonElement constraints = ReadSummary(PathOf("E")).GetProperty("constraints");
        Assert.Multiple(() =>
        {
            Assert.That(result.Output, Does.Contain("[·]_W polar centre: (3, 4.5), from --centre"));
            Assert.That(constraints.GetProperty("polar_centre_row").GetDouble(), Is.EqualTo(3));
            Assert.That(constraints.GetProperty("polar_centre_col").GetDouble(), Is.EqualTo(4.5));
        });

        Result analyzed = Run("analyze", PathOf("E"), "--out", PathOf("A"));
        Assert.That(analyzed.Code, Is.Zero, analyzed.ToString());
        string clusters = File.ReadAllText(PathOf("A/clusters.json"));
        Assert.That(clusters, Does.Contain("\"centre_row\": 3").And.Contain("\"centre_col\": 4.5"), "analyze compares with the factorization's centre");
    }
}
