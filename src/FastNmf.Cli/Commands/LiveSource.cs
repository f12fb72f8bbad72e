using System.Runtime.CompilerServices;
using FastNmf.IO;
using FastNmf.Streams;

namespace FastNmf.Cli.Commands;

/// <summary>The stream of <c>fastnmf live</c>: a Merlin port, or a file served by a replay on a loopback port of this
/// process (so a replay goes through the same receiver a detector does).</summary>
internal sealed class LiveSource : IDisposable
{
    private readonly FrameSource? _file;
    private readonly MerlinReplayServer? _server;
    private readonly Thread? _serving;
    private readonly CancellationTokenSource? _stop;
    private readonly StrongBox<Exception?> _failure;

    private LiveSource(DetectorStream stream, FrameSource? file = null, MerlinReplayServer? server = null, Thread? serving = null, CancellationTokenSource? stop = null, StrongBox<Exception?>? failure = null)
    {
        Stream = stream;
        _file = file;
        _server = server;
        _serving = serving;
        _stop = stop;
        _failure = failure ?? new StrongBox<Exception?>();
    }

    public DetectorStream Stream { get; }

    public static LiveSource Open(LiveArguments a)
    {
        TimeSpan start = TimeSpan.FromSeconds(a.StartSeconds);
        if (a.Dectris is not null)
        {
            return new LiveSource(new Dectris.SimplonStreamReader(a.Dectris, start));
        }

        if (a.Merlin is not null)
        {
            (string host, int port) = a.Endpoint();
            return new LiveSource(MerlinReceiver.Connect(host, port, TimeSpan.FromSeconds(Math.Min(a.StartSeconds, 30)), start));
        }

        FrameSource file = FrameFormats.Open(a.Replay!, new FrameSourceOptions { ScanShape = a.ScanShape is null ? null : ScanShape.Parse(a.ScanShape) });
        var stop = new CancellationTokenSource();
        MerlinReplayServer? server = null;
        try
        {
            server = new MerlinReplayServer(file, new MerlinReplayOptions { Rate = a.Rate, AcceptTimeout = TimeSpan.FromSeconds(30) });
            var failure = new StrongBox<Exception?>();
            MerlinReplayServer serving = server;
            var thread = new Thread(() =>
            {
                try
                {
                    serving.Serve(null, stop.Token);
                }
#pragma warning disable CA1031 // the replay's failure is reported by the command, not by ending the process
                catch (Exception e)
#pragma warning restore CA1031
                {
                    Volatile.Write(ref failure.Value, e);
                }
            })
            { IsBackground = true, Name = "fastnmf replay" };
            thread.Start();
            MerlinStreamReader stream = MerlinReceiver.Connect("127.0.0.1", server.Port, TimeSpan.FromSeconds(30), start);
            return new LiveSource(stream, file, server, thread, stop, failure);
        }
        catch
        {
            stop.Cancel();
            server?.Dispose();
            file.Dispose();
            stop.Dispose();
            throw;
        }
    }

    /// <summary>Throws why the in-process replay stopped sending, if it failed (e.g. the file holds values Merlin cannot send).</summary>
    public void ThrowIfReplayFailed()
    {
        if (Volatile.Read(ref _failure.Value) is Exception e)
        {
            throw e is DataFormatException ? e : new DataFormatException(_file?.Path ?? "replay", null, $"the replay stopped: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        _stop?.Cancel();
        Stream.Dispose();
        _serving?.Join(TimeSpan.FromSeconds(10));
        _server?.Dispose();
        _file?.Dispose();
        _stop?.Dispose();
    }
}
