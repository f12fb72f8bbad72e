using System.Diagnostics;
using NUnit.Framework;

namespace FastNmf.Tests.Report;

/// <summary>
/// Runs Debian's headless Chromium on a local file: a screenshot or the DOM after load, with console messages on
/// stderr (<c>--enable-logging=stderr</c> prints each as a line containing "CONSOLE"). A fresh profile per run, no
/// network services, no sandbox (the tests run as root in CI).
/// </summary>
internal static class ChromiumRunner
{
    private static readonly string[] s_names = ["chromium", "chromium-browser", "google-chrome"];

    /// <summary>Every run's flags: headless, no sandbox (root in CI), no network services, console lines on stderr.</summary>
    public static readonly string[] CommonFlags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
    ];

    /// <summary>The browser's path, or null when none is installed.</summary>
    public static string? Find()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in s_names)
            {
                string path = Path.Combine(dir, name);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }

    /// <summary>The browser's path; where none is installed the test is Ignored with the reason, or fails when
    /// FASTNMF_REQUIRE_CHROMIUM=1 (.ci/run sets it, so CI cannot pass without the browser tests).</summary>
    public static string FindOrIgnore()
    {
        if (Find() is string browser)
        {
            return browser;
        }

        const string Reason = "Chromium is not installed (apt-get install chromium); .ci/run installs it.";
        if (Environment.GetEnvironmentVariable("FASTNMF_REQUIRE_CHROMIUM") == "1")
        {
            Assert.Fail(Reason + " FASTNMF_REQUIRE_CHROMIUM=1 requires it.");
        }

        Assert.Ignore(Reason);
        return string.Empty;
    }

    /// <summary>Runs the browser with the common flags plus <paramref name="extra"/> on <paramref name="file"/>.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string browser, string file, params string[] extra)
    {
        string profile = Path.Combine(Path.GetTempPath(), "FastNmf.Chromium." + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var info = new ProcessStartInfo(browser)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in CommonFlags.Append($"--user-data-dir={profile}").Concat(extra).Append(new Uri(Path.GetFullPath(file)).AbsoluteUri))
        {
            info.ArgumentList.Add(a);
        }

        try
        {
            using Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {browser}.");
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{browser} did not finish within 90 s on {file}.");
            }

            return (process.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
