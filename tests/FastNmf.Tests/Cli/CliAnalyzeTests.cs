using System.Text.Json;
using FastNmf.IO;
using NUnit.Framework;
using SkiaSharp;

namespace FastNmf.Tests.Cli;

/// <summary><c>fastnmf analyze</c>, <c>pca</c> and <c>factorize --report</c>: the files they write and what they say.</summary>
[TestFixture]
[NonParallelizable]
public sealed class CliAnalyzeTests : CliHarness
{
    private static readonly string[] s_analysisFiles = ["similarity.npy", "diffraction-similarity.npy", "rotation.npy", "linkage.npy", "clusters.json", "cluster-diffractions.npy", "report.html"];

    [Test]
    public void Analyze_DirectoryWithOnlyW_GroupsTheRotatedCopyAndReportsItsAngle()
    {
        string dir = FactorFiles.Write(PathOf("other-tool"), maps: false);

        Result result = Run("analyze", dir);

        Assert.That(result.Code, Is.Zero, result.ToString());
        using JsonDocument clusters = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "clusters.json")));
        int[] labels = clusters.RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetInt32()).ToArray();
        double[] rotation = NpyReader.ReadFloat32(Path.Combine(dir, "rotation.npy")).Data.Select(v => (double)v).ToArray();
        Assert.Multiple(() =>
        {
            foreach (string name in s_analysisFiles)
            {
                Assert.That(File.Exists(Path.Combine(dir, name)), Is.True, name);
            }

            Assert.That(File.Exists(Path.Combine(dir, "cluster-maps.npy")), Is.False, "no maps, no summed maps");
            Assert.That(NpyReader.ReadFloat32(Path.Combine(dir, "similarity.npy")).Shape, Is.EqualTo(new long[] { 4, 4 }));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(dir, "linkage.npy")).Shape, Is.EqualTo(new long[] { 3, 4 }));
            Assert.That(labels[1], Is.EqualTo(labels[0]), "the rotated copy joins its lattice");
            Assert.That(labels.Distinct().Count(), Is.EqualTo(3), "lattice (×2), other lattice, rings");
            Assert.That(Math.Abs(rotation[1]), Is.EqualTo(FactorFiles.Rotation).Within(1.0), "Rotation[0, 1] in degrees");
            Assert.That(result.Output, Does.Contain("1 amorphous"));
            Assert.That(Directory.GetFileSystemEntries(dir, ".analysis*"), Is.Empty, "staging removed");
            string html = File.ReadAllText(Path.Combine(dir, "report.html"));
            Assert.That(html, Does.Contain("No summary.json"));
            Assert.That(html, Does.Not.Contain("id=\"spectra\""), "no maps, no map spectra");
        });
    }

    [Test]
    public void Analyze_TwiceWithoutForce_RefusesAndLeavesTheFirstAnalysis_ForceReplacesIt()
    {
        string dir = FactorFiles.Write(PathOf("F"), maps: true);
        Assert.That(Run("analyze", dir).Code, Is.Zero);
        byte[] before = File.ReadAllBytes(Path.Combine(dir, "clusters.json"));

        Result again = Run("analyze", dir, "--clusters", "1");
        AssertFailedOneLine(again, "--force");
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(Path.Combine(dir, "clusters.json")), Is.EqualTo(before));
            Assert.That(Directory.GetFileSystemEntries(dir, ".analysis*"), Is.Empty);
        });

        Result forced = Run("analyze", dir, "--clusters", "1", "--force");
        Assert.That(forced.Code, Is.Zero, forced.ToString());
        using JsonDocument clusters = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "clusters.json")));
        Assert.Multiple(() =>
        {
            Assert.That(clusters.RootElement.GetProperty("clusters").GetArrayLength(), Is.EqualTo(1));
            Assert.That(File.Exists(Path.Combine(dir, "cluster-maps.npy")), Is.True);
            Assert.That(Directory.GetFileSystemEntries(dir, ".analysis*"), Is.Empty, "staging and backup removed");
        });
    }

    [Test]
    public void Analyze_Force_ReplacesTheFiguresFolderWholeAndNothingElse()
    {
        string dir = FactorFiles.Write(PathOf("F"), maps: true);
        Assert.That(Run("analyze", dir).Code, Is.Zero);
        // A figure only an earlier analysis drew (e.g. truth.png of a run with --truth), and a file of the user's.
        string stale = Path.Combine(dir, "figures", "truth.png");
        File.WriteAllBytes(stale, s_pngSignature);
        string mine = Path.Combine(dir, "notes.txt");
        File.WriteAllText(mine, "mine");

        Result again = Run("analyze", dir, "--force");

        Assert.Multiple(() =>
        {
            Assert.That(again.Code, Is.Zero, again.ToString());
            Assert.That(File.Exists(stale), Is.False, "a figure this analysis did not draw is gone");
            Assert.That(Directory.GetFiles(Path.Combine(dir, "figures"), "*.png"), Is.Not.Empty);
            Assert.That(File.ReadAllText(mine), Is.EqualTo("mine"));
            Assert.That(Directory.GetFileSystemEntries(dir, ".analysis*"), Is.Empty, "staging and backup removed");
        });
    }

    [Test]
    public void Analyze_Out_WritesANewDirectoryAndLeavesTheSourceAlone()
    {
        string dir = FactorFiles.Write(PathOf("F"), maps: true);
        string[] before = Directory.GetFileSystemEntries(dir);

        Result result = Run("analyze", dir, "--out", PathOf("A"), "--linkage", "complete", "--cluster-by", "cosine");

        Assert.That(result.Code, Is.Zero, result.ToString());
        using JsonDocument clusters = JsonDocument.Parse(File.ReadAllText(PathOf("A/clusters.json")));
        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFileSystemEntries(dir), Is.EquivalentTo(before));
            Assert.That(File.Exists(PathOf("A/report.html")), Is.True);
            Assert.That(clusters.RootElement.GetProperty("linkage").GetString(), Is.EqualTo("complete"));
            Assert.That(clusters.RootElement.GetProperty("clustered_by").GetString(), Does.StartWith("cosine"));
            Assert.That(PartialSiblings("A"), Is.Empty);
        });
    }

    [Test]
    public void Factorize_WithDefaultReport_WritesReportPcaAndRestartHistory()
    {
        string input = WriteSimulated("X.npy");
        string output = PathOf("D");

        Result result = Run("factorize", input, "-k", "4", "--out", output, "--iterations", "12", "--restarts", "3");

        Assert.That(result.Code, Is.Zero, result.ToString());
        NpyArray history = NpyReader.ReadFloat32(Path.Combine(output, "restart-history.npy"));
        using JsonDocument pca = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "pca.json")));
        Assert.Multiple(() =>
        {
            foreach (string name in s_analysisFiles.Append("cluster-maps.npy"))
            {
                Assert.That(File.Exists(Path.Combine(output, name)), Is.True, name);
            }

            Assert.That(history.Shape, Is.EqualTo(new long[] { 3, 3, 12 }));
            Assert.That(pca.RootElement.GetProperty("mse").GetArrayLength(), Is.EqualTo(21), "K = 20, MSE_0..MSE_20");
            Assert.That(result.Output, Does.Contain("PCA (").And.Contain("suggested k ="));
            Assert.That(result.Output, Does.Contain("clusters (diffraction similarity"));
            foreach (string png in Directory.GetFiles(Path.Combine(output, "figures"), "*.png"))
            {
                using SKBitmap bitmap = SKBitmap.Decode(png);
                Assert.That(bitmap, Is.Not.Null, png);
                Assert.That(bitmap.Width, Is.GreaterThan(100), png);
            }
        });
    }

    [Test]
    public void Analyze_FactorizeDirectoryWithMaskFileAndDisc_LeavesOutTheSamePixelsAsFactorizesReport()
    {
        string input = WriteSimulated("X.npy");
        // Masked pixels refold as 0 in W: an analysis that does not know them takes those zeros for dark data.
        string mask = PathOf("mask.npy");
        var masked = new float[32 * 32];
        for (int i = 0; i < masked.Length; i += 3)
        {
            masked[i] = 1;
        }

        NpyWriter.Write(mask, masked, [32, 32]);
        string output = PathOf("D");
        Result factorize = Run("factorize", input, "-k", "3", "--out", output, "--iterations", "8", "--restarts", "1", "--mask", mask, "--mask-radius", "3");
        Assert.That(factorize.Code, Is.Zero, factorize.ToString());

        Result analyze = Run("analyze", output, "--out", PathOf("E"));

        Assert.Multiple(() =>
        {
            Assert.That(analyze.Code, Is.Zero, analyze.ToString());
            foreach (string name in new[] { "diffraction-similarity.npy", "rotation.npy", "cluster-diffractions.npy" })
            {
                Assert.That(File.ReadAllBytes(PathOf("E/" + name)), Is.EqualTo(File.ReadAllBytes(Path.Combine(output, name))), name);
            }
        });
    }

    [Test]
    public void Factorize_ReportFalse_WritesNoReport()
    {
        string input = WriteSimulated("X.npy");
        string output = PathOf("D");

        Result result = Run("factorize", input, "-k", "2", "--out", output, "--iterations", "5", "--restarts", "1", "--report", "false");

        Assert.That(result.Code, Is.Zero, result.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Path.Combine(output, "report.html")), Is.False);
            Assert.That(File.Exists(Path.Combine(output, "similarity.npy")), Is.False);
            Assert.That(File.Exists(Path.Combine(output, "restart-history.npy")), Is.True);
        });
    }

    [Test]
    public void Factorize_OneComponent_ReportSaysThereIsNothingToCluster()
    {
        string input = WriteSimulated("X.npy");
        string output = PathOf("D");

        Result result = Run("factorize", input, "-k", "1", "--out", output, "--iterations", "5", "--restarts", "1");

        Assert.That(result.Code, Is.Zero, result.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(output, "report.html")), Does.Contain("nothing to compare or cluster"));
            Assert.That(File.Exists(Path.Combine(output, "linkage.npy")), Is.False);
        });
    }

    [Test]
    public void Pca_SimulatedData_PrintsTheTableAndWritesTheScree()
    {
        string input = WriteSimulated("X.npy");

        Result result = Run("pca", input, "--max-components", "6", "--out", PathOf("P"));

        Assert.That(result.Code, Is.Zero, result.ToString());
        using JsonDocument pca = JsonDocument.Parse(File.ReadAllText(PathOf("P/pca.json")));
        double[] mse = pca.RootElement.GetProperty("mse").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(mse, Has.Length.EqualTo(7));
            Assert.That(mse.Zip(mse.Skip(1)).All(p => p.Second <= p.First), Is.True, "MSE falls with k");
            Assert.That(result.Output, Does.Contain("suggested k = " + pca.RootElement.GetProperty("suggested_k").GetInt32()));
            Assert.That(result.Output.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d+\s+\d")), Is.EqualTo(7), "one row per k = 0..6");
            using SKBitmap scree = SKBitmap.Decode(PathOf("P/scree.png"));
            Assert.That(scree, Is.Not.Null);
        });
    }
}
