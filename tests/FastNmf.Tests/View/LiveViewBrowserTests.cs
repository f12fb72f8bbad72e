using FastNmf.Cli.View;
using FastNmf.Live;
using FastNmf.Tests.Report;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;
using SkiaSharp;

namespace FastNmf.Tests.View;

/// <summary>
/// The live page in a real browser (Debian's headless Chromium over the DevTools protocol): while a scan is projected
/// half, then all of it, two screenshots of the same open page differ in the maps, the page logs no console message,
/// and the end event is shown. Ignored where Chromium is missing, unless FASTNMF_REQUIRE_CHROMIUM=1 (.ci/run sets it).
/// </summary>
[Category("Browser")]
[NonParallelizable]
[CancelAfter(180_000)]
public sealed class LiveViewBrowserTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Test]
    public void Page_InHeadlessChromium_ShowsTheMapsFillingIn()
    {
        string browser = ChromiumRunner.FindOrIgnore();
        int n = ViewFixture.Data.NXy, half = n / 2;
        using var live = new LiveProjection(ViewFixture.Model, ViewFixture.Data.ScanRows, ViewFixture.Data.ScanCols);
        using LiveViewServer server = LiveViewServer.Start(0, "test", TimeSpan.FromMilliseconds(100));
        server.Attach(LiveViewSource.Of(live));
        ViewFixture.Push(live, 0, half);
        server.Observe(ViewFixture.Status(half));
        using ChromiumDevTools page = ChromiumDevTools.Open(browser, server.Address, 1000, 700);

        bool halfShown = page.WaitFor($"document.body.dataset.received === '{half}' && +document.body.dataset.maps >= 1", s_wait);
        Thread.Sleep(200); // the maps event follows the status event in the same tick: let it draw
        using SKBitmap first = SKBitmap.Decode(page.Screenshot());
        string mapsBefore = page.Evaluate("document.body.dataset.maps");
        ViewFixture.Push(live, half, n - half);
        server.Observe(ViewFixture.Status(n));
        bool allShown = page.WaitFor($"document.body.dataset.received === '{n}' && +document.body.dataset.maps > {mapsBefore}", s_wait);
        Thread.Sleep(200);
        using SKBitmap second = SKBitmap.Decode(page.Screenshot());
        string canvases = page.Evaluate("document.querySelectorAll('#maps canvas').length + '/' + document.querySelectorAll('#diffractions canvas').length");
        server.End("scan complete: test", true);
        bool ended = page.WaitFor("document.body.dataset.state === 'ended'", s_wait);
        string state = page.Evaluate("document.getElementById('state').textContent");

        Assert.Multiple(() =>
        {
            Assert.That(halfShown, Is.True, "the page drew the maps of the first half");
            Assert.That(allShown, Is.True, "the page drew the maps of the whole scan");
            Assert.That(canvases, Is.EqualTo("\"3/3\""), "k maps and k diffractions");
            Assert.That(Screenshots.ChangedShare(first, second), Is.GreaterThan(0.01), "share of the page's pixels that changed between the screenshots");
            Assert.That(Screenshots.Colours(second), Is.GreaterThan(50), "the maps are drawn in the colour table, not blank");
            Assert.That(ended, Is.True, "the end event is shown");
            Assert.That(state, Does.Contain("scan complete"));
            Assert.That(page.Log.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)), Is.Empty, "no console message");
        });
    }
}
