using System.Globalization;

namespace FastNmf.Cli.Output;

/// <summary>
/// A progress bar for reading frames (<see cref="IProgress{T}"/> of frames done, reported on the reading thread). Nothing
/// is shown for the first second, so quick reads stay silent; then, on a terminal, one self-updating line with a bar,
/// the rate and the time left, and when output is redirected a plain line at most every 5 seconds. <see cref="Finish"/>
/// ends the line.
/// </summary>
internal sealed class ReadProgress : IProgress<long>
{
    private readonly string _what;
    private readonly long _total;
    private readonly long _bytesPerFrame;
    private readonly LiveLine _line = new();

    /// <param name="what">What is being done, e.g. <c>reading</c>.</param>
    /// <param name="total">Frames in all.</param>
    /// <param name="bytesPerFrame">Bytes per frame once converted to float32: the rate is of the data as read into X,
    /// whatever the file's element type or compression.</param>
    public ReadProgress(string what, long total, long bytesPerFrame)
    {
        _what = what;
        _total = Math.Max(1, total);
        _bytesPerFrame = bytesPerFrame;
    }

    public void Report(long value)
    {
        if (_line.Due(force: value >= _total))
        {
            _line.Draw(Line(value, _line.ElapsedMilliseconds));
        }
    }

    /// <summary>Ends the live line (if one was drawn).</summary>
    public void Finish() => _line.Finish();

    private string Line(long done, long ms)
    {
        double fraction = Math.Min(1, (double)done / _total);
        int filled = (int)(fraction * 30);
        double seconds = ms / 1000.0;
        double rate = done * _bytesPerFrame / seconds / (1 << 20);
        // Too early for a rate worth extrapolating: say nothing rather than something absurd.
        string left = fraction >= 0.01 ? string.Create(CultureInfo.InvariantCulture, $"{seconds * (1 - fraction) / fraction:F0} s left") : "estimating";
        return string.Create(CultureInfo.InvariantCulture,
            $"{_what} [{new string('#', filled)}{new string('.', 30 - filled)}] {done}/{_total} frames {100 * fraction:F0} %  {done / seconds:F0} frames/s ({rate:F0} MiB/s as float32)  {left}");
    }
}
