using FastNmf.Analysis;
using FastNmf.Cli.Report;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;
using SkiaSharp;

namespace FastNmf.Tests.Report;

/// <summary>
/// report.html in a real browser (Debian's headless Chromium): it loads without a console message, every image
/// decodes, and a screenshot shows a page rather than a blank. Skipped (Ignored, with the reason) where Chromium is
/// not installed — unless FASTNMF_REQUIRE_CHROMIUM=1, which .ci/run sets so CI cannot pass without running it.
/// </summary>
[Category("Browser")]
[NonParallelizable]
public sealed class ReportBrowserTests
{
    // Appended to a copy of the page only: records how many images loaded with a size once the page has loaded.
    private const string ImageCheck = """
        <script>window.addEventListener('load', () => { const all = Array.from(document.images);
        document.body.setAttribute('data-images-decoded', all.filter(i => i.complete && i.naturalWidth > 0).length + '/' + all.length); });</script>
        """;

    private string _browser = null!;

    [SetUp]
    public void FindBrowser() => _browser = ChromiumRunner.FindOrIgnore();

    [Test]
    public void Report_InHeadlessChromium_LoadsCleanlyDecodesEveryImageAndIsNotBlank()
    {
        using var temp = new TempDirectory();
        ReportWriterTests.WriteFactorization(temp.Path);
        ReportWriter.Write(ReportSource.Read(temp.Path), temp.Path, new ReportContext(new AnalysisOptions(), null, "browser test", temp.Path));
        string page = temp.PathOf("report.html");
        string html = File.ReadAllText(page);
        int images = System.Text.RegularExpressions.Regex.Matches(html, "<img ").Count;
        string checkPage = temp.PathOf("report-check.html");
        File.WriteAllText(checkPage, html.Replace("</body>", ImageCheck + "</body>", StringComparison.Ordinal));
        string shot = temp.PathOf("shot.png");

        (int shotCode, _, string shotLog) = ChromiumRunner.Run(_browser, page, $"--screenshot={shot}", "--window-size=1280,2400");
        (int domCode, string dom, string domLog) = ChromiumRunner.Run(_browser, checkPage, "--dump-dom");

        Assert.Multiple(() =>
        {
            Assert.That(shotCode, Is.Zero, shotLog);
            Assert.That(domCode, Is.Zero, domLog);
            Assert.That(ConsoleLines(shotLog), Is.Empty, "the page logs nothing: no error, no failed load");
            Assert.That(ConsoleLines(domLog), Is.Empty, "the checked copy logs nothing either");
            Assert.That(images, Is.GreaterThanOrEqualTo(11));
            Assert.That(dom, Does.Contain($"data-images-decoded=\"{images}/{images}\""), "every <img> loaded with a size");
            using SKBitmap bitmap = SKBitmap.Decode(shot);
            Assert.That(bitmap, Is.Not.Null, "screenshot written");
            (double nonWhite, double deviation) = Ink(bitmap);
            Assert.That(nonWhite, Is.GreaterThan(0.05), "share of non-white pixels");
            Assert.That(deviation, Is.GreaterThan(20), "standard deviation of the luminance");
        });
    }

    private static string[] ConsoleLines(string log) =>
        log.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToArray();

    private static (double NonWhite, double Deviation) Ink(SKBitmap bitmap)
    {
        long count = 0, nonWhite = 0;
        double sum = 0, squares = 0;
        for (int y = 0; y < bitmap.Height; y += 2)
        {
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                SKColor c = bitmap.GetPixel(x, y);
                double l = (0.299 * c.Red) + (0.587 * c.Green) + (0.114 * c.Blue);
                count++;
                sum += l;
                squares += l * l;
                nonWhite += l < 245 ? 1 : 0;
            }
        }

        double mean = sum / count;
        return ((double)nonWhite / count, Math.Sqrt(Math.Max(0, (squares / count) - (mean * mean))));
    }
}
