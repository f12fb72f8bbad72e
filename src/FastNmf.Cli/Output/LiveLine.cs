using System.Diagnostics;

namespace FastNmf.Cli.Output;

/// <summary>
/// The console side of the progress displays: nothing for the first second, so quick work stays silent; then, on a
/// terminal, one self-updating line (redrawn at most every 100 ms), and when output is redirected a plain line at most
/// every 5 seconds — unless a line is forced (a new stage, the last frame). <see cref="Finish"/> ends the live line.
/// </summary>
internal sealed class LiveLine
{
    private readonly bool _live = Terminal.IsLive;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDraw = -1;
    private bool _drawn;

    /// <summary>Milliseconds since the display was created.</summary>
    public long ElapsedMilliseconds => _clock.ElapsedMilliseconds;

    /// <summary>Whether a line is due now (<paramref name="force"/>: past the first second, always).</summary>
    public bool Due(bool force = false)
    {
        long ms = _clock.ElapsedMilliseconds;
        return ms >= 1000 && (force || _lastDraw < 0 || ms - _lastDraw >= (_live ? 100 : 5000));
    }

    /// <summary>Shows <paramref name="line"/> (call when <see cref="Due"/>).</summary>
    public void Draw(string line)
    {
        _lastDraw = _clock.ElapsedMilliseconds;
        _drawn = true;
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
