using System.Globalization;
using FastNmf.IO;
using FastNmf.Streams;

namespace FastNmf.Cli.Commands;

/// <summary>The options of <c>fastnmf live</c>, checked before anything is opened.</summary>
internal sealed record LiveArguments(string? Merlin, string? Dectris, string? Replay, double Rate, string? Model, string Output, string? ScanShape, string MapConstraint, double StartSeconds, double SilenceSeconds,
    bool Learn, int? Components, ulong Seed, int FinishIterations, int RefreshFrames, int Threads, int? View = null)
{
    public void Check()
    {
        if ((Merlin is null ? 0 : 1) + (Dectris is null ? 0 : 1) + (Replay is null ? 0 : 1) != 1)
        {
            throw new UsageException("give one source: --merlin HOST:PORT or --dectris tcp://HOST:PORT (a detector, or `fastnmf replay merlin|dectris`), or --replay INPUT.");
        }

        if (Dectris is not null && !Dectris.StartsWith("tcp://", StringComparison.Ordinal))
        {
            throw new UsageException($"--dectris {Dectris}: a ZeroMQ address, tcp://HOST:PORT (a DECTRIS detector's stream port is 9999).");
        }

        if (Learn == (Model is not null))
        {
            throw new UsageException("give what to do: --model DIR (project onto a fitted model) or --learn -k K (learn W during the scan).");
        }

        if (Learn && Components is not (>= 1 and <= 64))
        {
            throw new UsageException($"--learn needs -k between 1 and 64{(Components is int k ? $" (got {k})" : string.Empty)}.");
        }

        if (!Learn && Components is not null)
        {
            throw new UsageException("-k is for --learn; a model brings its own k.");
        }

        if (FinishIterations < 0 || RefreshFrames < 0 || Threads < 1)
        {
            throw new UsageException("--finish-iterations and --refresh must be 0 or more, --threads at least 1.");
        }

        if (MapConstraint is not ("model" or "none"))
        {
            throw new UsageException($"--map-constraint {MapConstraint}: use model or none.");
        }

        if (!(Rate >= 0 && double.IsFinite(Rate)) || (Rate > 0 && Replay is null))
        {
            throw new UsageException($"--rate {Rate.ToString(CultureInfo.InvariantCulture)}: frames per second (0 or more), with --replay only.");
        }

        if (!(StartSeconds > 0) || !(SilenceSeconds > 0))
        {
            throw new UsageException("--start-timeout and --timeout must be positive seconds.");
        }

        if (View is not (null or (>= 0 and <= 65535)))
        {
            throw new UsageException($"--view {View}: a port on 127.0.0.1 for the page, 1-65535 (0: any free one).");
        }

        _ = Scan();
        if (Merlin is not null)
        {
            _ = Endpoint();
        }
    }

    /// <summary>The source as the page names it before its first frame.</summary>
    public string Origin => Merlin is not null ? $"merlin {Merlin}" : Dectris is not null ? $"dectris {Dectris}" : $"a replay of {Replay}";

    /// <summary>HOST and PORT of --merlin (an IPv6 address in brackets: [::1]:6342).</summary>
    public (string Host, int Port) Endpoint()
    {
        string text = Merlin!;
        int colon = text.LastIndexOf(':');
        string host = colon > 0 ? text[..colon].Trim('[', ']') : string.Empty;
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535 || host.Length == 0)
        {
            throw new UsageException($"--merlin {text}: use HOST:PORT, e.g. 127.0.0.1:{MerlinReceiver.DefaultDataPort}.");
        }

        return (host, port);
    }

    /// <summary>The scan grid: --scan-shape, else what the acquisition announced; both must agree.</summary>
    public (int Rows, int Cols) ScanFor(DetectorStream stream)
    {
        ScanShape? given = Scan();
        (int, int)? announced = stream.ScanAnnounced;
        if (given is ScanShape g)
        {
            if (announced is (int r, int c) && (r, c) != (g.Rows, g.Cols) && stream.FramesAnnounced != (long)g.Rows * g.Cols)
            {
                throw new DataFormatException(stream.Origin, null, $"the acquisition announces a {r}×{c} scan ({stream.FramesAnnounced} frames), --scan-shape says {g.Rows}×{g.Cols}.");
            }

            return (g.Rows, g.Cols);
        }

        return announced ?? throw new UsageException($"{stream.Origin} does not announce the scan grid: give --scan-shape ROWSxCOLS.");
    }

    private ScanShape? Scan()
    {
        try
        {
            return ScanShape is null ? null : IO.ScanShape.Parse(ScanShape);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--scan-shape: {e.Message}");
        }
    }
}
