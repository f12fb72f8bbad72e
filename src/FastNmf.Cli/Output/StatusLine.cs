using System.Globalization;

namespace FastNmf.Cli.Output;

/// <summary>
/// A status display for work measured in steps rather than frames (PCA): "WHAT: STATUS (N s)" through a
/// <see cref="LiveLine"/>; a new stage (the text before its first number or colon) is always shown, since the next
/// report may be long in coming.
/// </summary>
internal sealed class StatusLine(string what)
{
    // A stage is the text before its first number or colon: "Krylov step" for "Krylov step 3: …".
    private static readonly System.Buffers.SearchValues<char> StageEnd = System.Buffers.SearchValues.Create(":0123456789");
    private readonly LiveLine _line = new();
    private string _lastStage = string.Empty;

    /// <summary>Shows <paramref name="status"/> if the display is due.</summary>
    public void Report(string status)
    {
        int end = status.AsSpan().IndexOfAny(StageEnd);
        string stage = end < 0 ? status : status[..end];
        if (!_line.Due(force: stage != _lastStage))
        {
            return;
        }

        _lastStage = stage;
        _line.Draw(string.Create(CultureInfo.InvariantCulture, $"{what}: {status} ({_line.ElapsedMilliseconds / 1000.0:F0} s)"));
    }

    /// <summary>Ends the live line (if one was drawn).</summary>
    public void Finish() => _line.Finish();
}
