using System.Diagnostics;
using System.Globalization;

namespace FastNmf.Cli.Output;

/// <summary>
/// A status display for work measured in steps rather than frames (PCA, the analysis): nothing for the first second, so
/// quick work stays silent; then, on a terminal, one self-updating line "WHAT: STATUS (N s)", and when output is
/// redirected a plain line at most every 5 seconds, or whenever a new stage begins. <see cref="Finish"/> ends the line.
/// </summary>
internal sealed class StatusLine
{
    private readonly string _what;
    private readonly bool _live;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDraw = -1;
    private string _lastStage = string.Empty;
    private bool _drawn;

    /// <param name="what">What is being done, e.g. <c>PCA</c>.</param>
    public StatusLine(string what)
    {
        _what = what;
        _live = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");
    }

    /// <summary>Shows <paramref name="status"/> if the display is due.</summary>
    public void Report(string status)
    {
        long ms = _clock.ElapsedMilliseconds;
        // A new stage (the text before ':') is always shown: the next report may be long in coming.
        int colon = status.IndexOf(':', StringComparison.Ordinal);
        string stage = colon < 0 ? status : status[..colon];
        bool newStage = stage != _lastStage;
        if (ms < 1000 || (!newStage && (_live ? ms - _lastDraw < 100 : _lastDraw >= 0 && ms - _lastDraw < 5000)))
        {
            return;
        }

        _lastDraw = ms;
        _lastStage = stage;
        _drawn = true;
        string line = string.Create(CultureInfo.InvariantCulture, $"{_what}: {status} ({ms / 1000.0:F0} s)");
        if (_live)
        {
            Console.Write($"\r{line}\u001b[K");
        }
        else
        {
            Console.WriteLine(line);
        }
    }

    /// <summary>Ends the live line (if one was drawn).</summary>
    public void Finish()
    {
        if (_drawn && _live)
        {
            Console.WriteLine();
        }

        _drawn = false;
    }
}
