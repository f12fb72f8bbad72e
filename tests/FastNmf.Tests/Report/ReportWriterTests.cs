using System.Text.RegularExpressions;
using FastNmf.Analysis;
using FastNmf.Cli.Output;
using FastNmf.Cli.Report;
using FastNmf.Data;
using FastNmf.IO;
using FastNmf.Tests.Cli;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;
using SkiaSharp;

namespace FastNmf.Tests.Report;

/// <summary>report.html and its figures: every section, every image embedded and saved, nothing fetched.</summary>
public sealed partial class ReportWriterTests
{
    private static readonly string[] s_sections = ["run", "components", "spectra", "convergence", "similarity", "clustering", "files"];

    [GeneratedRegex("<img alt=\"[^\"]*\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\">")]
    private static partial Regex EmbeddedPng();

    [Test]
    public void Write_FactorizedDirectory_HasEverySectionAndEachImageIsASavedDecodablePng()
    {
        using var temp = new TempDirectory();
        WriteFactorization(temp.Path);

        (AnalysisResult? analysis, IReadOnlyList<string> files) = ReportWriter.Write(ReportSource.Read(temp.Path), temp.Path, Context(temp.Path));

        string html = File.ReadAllText(temp.PathOf("report.html"));
        byte[][] embedded = EmbeddedPng().Matches(html).Select(m => Convert.FromBase64String(m.Groups[1].Value)).ToArray();
        byte[][] saved = Directory.GetFiles(temp.PathOf("figures"), "*.png").Select(File.ReadAllBytes).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(analysis, Is.Not.Null);
            foreach (string id in s_sections)
            {
                Assert.That(html, Does.Contain($"<section id=\"{id}\">"), id);
            }

            Assert.That(Regex.Matches(html, "<img ").Count, Is.EqualTo(embedded.Length), "every image is an embedded PNG");
            Assert.That(embedded, Has.Length.EqualTo(saved.Length).And.Length.GreaterThanOrEqualTo(11), "each figure once, saved under figures/");
            foreach (byte[] png in embedded)
            {
                Assert.That(saved.Any(s => s.AsSpan().SequenceEqual(png)), Is.True, "embedded image is one of figures/*.png");
                using SKBitmap bitmap = SKBitmap.Decode(png);
                Assert.That(bitmap, Is.Not.Null);
                Assert.That(bitmap.Width, Is.GreaterThan(200));
            }

            Assert.That(html, Does.Not.Contain("http://").And.Not.Contain("https://").And.Not.Contain("<script"), "self-contained, script-free");
            Assert.That(files, Does.Contain("report.html").And.Contain("linkage.npy").And.Contain("figures/dendrogram.png"));
            Assert.That(html, Does.Contain("resolution limit"), "the map spectra caption defines the circle");
            Assert.That(html, Does.Contain("wall time of the factorization"));
        });
    }

    [Test]
    public void Write_FactorsOfAnotherTool_SaysWhatIsMissingInsteadOfFailing()
    {
        using var temp = new TempDirectory();
        FactorFiles.Write(temp.Path, maps: true);

        ReportWriter.Write(ReportSource.Read(temp.Path), temp.Path, Context(temp.Path));

        string html = File.ReadAllText(temp.PathOf("report.html"));
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("No summary.json"));
            Assert.That(html, Does.Contain("No per-iteration history"));
            Assert.That(html, Does.Contain("No circle: no map kernel is known"));
            Assert.That(html, Does.Not.Contain("<section id=\"pca\">"));
        });
    }

    [Test]
    public void HtmlPage_Text_IsEncoded()
    {
        var page = new HtmlPage();
        page.Section("s", "a < b");
        page.Paragraph("<script>alert(1)</script> & more");
        page.EndSection();

        string html = page.Render("t & t", "lead");

        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Not.Contain("<script>"));
            Assert.That(html, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
            Assert.That(html, Does.Contain("<title>t &amp; t</title>"));
        });
    }

    [Test]
    public void RestartHistoryFile_RoundTrip_DropsThePaddingOfEarlyStoppedRestarts()
    {
        using var temp = new TempDirectory();
        Dataset4D data = RandomData.LowRank(8, 8, 12, 12, rank: 2, noise: 0.0, seed: 7);
        using UnfoldedData x = UnfoldedData.Create(data);
        NmfResult r = Factorizer.Run(x, new NmfOptions { Components = 2, Method = NmfMethod.Als, Iterations = 300, Restarts = 3, Tolerance = 1e-3, BatchRestarts = false });

        RestartHistoryFile.Write(temp.PathOf("h.npy"), r.RestartHistories);
        IReadOnlyList<RunHistory> back = RestartHistoryFile.Read(temp.PathOf("h.npy"));

        Assert.Multiple(() =>
        {
            Assert.That(back, Has.Count.EqualTo(3));
            for (int i = 0; i < 3; i++)
            {
                Assert.That(back[i].Mse, Has.Length.EqualTo(r.Restarts[i].Iterations), $"restart {i}");
                // Written in float64, read back through float32 for the report: float32's precision (6e-8 relative).
                Assert.That(back[i].DeltaH[^1], Is.EqualTo(r.RestartHistories[i].DeltaH[^1]).Within(1e-5).Percent, $"restart {i}");
            }
        });
    }

    [TestCase(-42.75, 2, -42.75)]
    [TestCase(137.25, 2, -42.75)]
    [TestCase(95, 4, 5)]
    [TestCase(-90, 2, 90)]
    public void Reduce_AngleModuloTheSymmetry_LandsInTheHalfOpenPeriod(double degrees, int n, double expected)
    {
        Assert.That(TruthSection.Reduce(degrees, n), Is.EqualTo(expected).Within(1e-9));
    }

    private static ReportContext Context(string dir) => new(new AnalysisOptions(), null, "test", dir);

    /// <summary>W.npy, H.npy, summary.json and restart-history.npy of a short factorization of low-rank data.</summary>
    internal static void WriteFactorization(string dir)
    {
        Dataset4D data = RandomData.LowRank(6, 5, 24, 24, rank: 3, noise: 0.5, seed: 4);
        using UnfoldedData x = UnfoldedData.Create(data);
        NmfResult r = Factorizer.Run(x, new NmfOptions { Components = 3, Iterations = 15, Restarts = 2 });
        NpyWriter.Write(Path.Combine(dir, "W.npy"), r.W, [3, 24, 24]);
        NpyWriter.Write(Path.Combine(dir, "H.npy"), r.H, [3, 6, 5]);
        SummaryWriter.Write(Path.Combine(dir, "summary.json"), r, null, MaskInfo.None, null);
        RestartHistoryFile.Write(Path.Combine(dir, RestartHistoryFile.Name), r.RestartHistories);
    }
}
