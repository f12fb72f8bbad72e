using System.Diagnostics;
using System.Text.RegularExpressions;
using FastNmf.Tests.Report;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;
using SkiaSharp;

namespace FastNmf.Tests.View;

/// <summary>
/// End to end, as a user runs it: <c>fastnmf live --replay X.npy --rate 30 --model FIT --view 0</c> in its own
/// process, its page opened in headless Chromium from the address it prints; two screenshots taken while the scan runs
/// differ, and the page shows the end once the command has written its outputs. Ignored without Chromium unless
/// FASTNMF_REQUIRE_CHROMIUM=1.
/// </summary>
[Category("Browser")]
[NonParallelizable]
[CancelAfter(240_000)]
public sealed partial class LiveViewCliBrowserTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);

    [GeneratedRegex(@"^view: (http://127\.0\.0\.1:\d+/)")]
    private static partial Regex ViewLine();

    [Test]
    public void LiveWithView_InHeadlessChromium_TheMapsChangeWhileTheScanRuns()
    {
        string browser = ChromiumRunner.FindOrIgnore();
        using var temp = new TempDirectory();
        string input = temp.PathOf("X.npy"), output = temp.PathOf("live");
        string fit = temp.PathOf("fit");
        Assert.That(Cli("simulate", "--out", input, "--scan-rows", "16", "--scan-cols", "16", "--det-rows", "32", "--det-cols", "32", "--dtype", "uint16").WaitForExit(60_000), Is.True);
        Assert.That(Cli("factorize", input, "-k", "3", "--iterations", "30", "--restarts", "1", "--report", "false", "--out", fit).WaitForExit(60_000), Is.True);

        using Process live = Cli("live", "--replay", input, "--rate", "30", "--model", fit, "--out", output, "--view", "0", "--timeout", "30");
        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new List<string>();
        live.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
            }

            if (ViewLine().Match(e.Data) is { Success: true } m)
            {
                address.TrySetResult(m.Groups[1].Value);
            }
        };
        live.BeginOutputReadLine();
        try
        {
            Assert.That(address.Task.Wait(s_wait), Is.True, "the command prints the page's address");
            using ChromiumDevTools page = ChromiumDevTools.Open(browser, address.Task.Result, 900, 600);
            bool started = page.WaitFor("+document.body.dataset.received >= 16 && +document.body.dataset.maps >= 1", s_wait);
            Thread.Sleep(200);
            using SKBitmap first = SKBitmap.Decode(page.Screenshot());
            int received = int.Parse(page.Evaluate("+document.body.dataset.received"), System.Globalization.CultureInfo.InvariantCulture);
            string maps = page.Evaluate("document.body.dataset.maps");
            bool progressed = page.WaitFor($"+document.body.dataset.received >= {received + 48} && +document.body.dataset.maps > {maps.Trim('"')}", s_wait);
            Thread.Sleep(200);
            using SKBitmap second = SKBitmap.Decode(page.Screenshot());
            bool ended = page.WaitFor("document.body.dataset.state === 'ended'", s_wait);
            bool exited = live.WaitForExit(60_000);

            Assert.Multiple(() =>
            {
                Assert.That(started, Is.True, "the page drew maps early in the scan");
                Assert.That(received, Is.LessThan(256 - 48), "the first screenshot is of a scan in progress");
                Assert.That(progressed, Is.True, "the page drew newer maps later");
                Assert.That(Screenshots.ChangedShare(first, second), Is.GreaterThan(0.01), "share of the page's pixels that changed");
                Assert.That(ended, Is.True, "the page shows the end");
                Assert.That(exited && live.ExitCode == 0, Is.True, string.Join('\n', lines));
                Assert.That(File.Exists(Path.Combine(output, "H.npy")), Is.True);
                Assert.That(page.Log.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)), Is.Empty, "no console message");
            });
        }
        finally
        {
            if (!live.HasExited)
            {
                live.Kill(entireProcessTree: true);
            }
        }
    }

    private static Process Cli(params string[] args)
    {
        var info = new ProcessStartInfo(TestSupport.BuiltCli.Apphost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        Process p = Process.Start(info) ?? throw new InvalidOperationException("could not start fastnmf.");
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        return p;
    }
}
