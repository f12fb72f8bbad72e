using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FastNmf.IO;

namespace FastNmf.Streams;

/// <summary>What a replay serves and how fast.</summary>
public sealed record MerlinReplayOptions
{
    /// <summary>The address to listen on: loopback unless said otherwise.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>The port; 0 picks a free one (see <see cref="MerlinReplayServer.Port"/>).</summary>
    public int Port { get; init; }

    /// <summary>Frames per second; 0 sends as fast as the receiver takes them.</summary>
    public double Rate { get; init; }

    /// <summary>How pixels are sent.</summary>
    public MerlinPixelFormat Format { get; init; } = MerlinPixelFormat.U16;

    /// <summary>Acquisitions to serve, each the whole input (a header and every frame).</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>How long to wait for a receiver to connect before each acquisition.</summary>
    public TimeSpan AcceptTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Encode the whole acquisition into memory before the first frame is sent (sends at wire speed) when
    /// its messages take at most this many bytes; larger inputs are encoded as they are sent.</summary>
    public long CacheBytes { get; init; } = 1L << 30;
}

/// <summary>
/// Serves a file as a Merlin detector's data port serves an acquisition: one TCP receiver at a time gets the
/// acquisition header, then every frame as an MPX message in scan order, at a set rate or as fast as it reads (a slow
/// receiver holds the sender back through TCP). For users and tests to try live mode without a detector.
/// </summary>
public sealed class MerlinReplayServer : IDisposable
{
    private const int BatchBytes = 4 << 20;

    private readonly FrameSource _source;
    private readonly MerlinReplayOptions _options;
    private readonly TcpListener _listener;
    private readonly MerlinFrameWriter _writer;
    private byte[]? _cache;

    /// <summary>Listens at once (so <see cref="Port"/> is known before <see cref="Serve"/>).</summary>
    /// <exception cref="ArgumentException">a RAW format the detector cannot be sent in.</exception>
    /// <exception cref="SocketException">the port cannot be bound.</exception>
    public MerlinReplayServer(FrameSource source, MerlinReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Repeat, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Rate);
        _source = source;
        _options = options;
        _writer = new MerlinFrameWriter(source.DetRows, source.DetCols, options.Format);
        _listener = new TcpListener(options.Address, options.Port);
        _listener.Start(1);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary>Frames sent so far, over every acquisition.</summary>
    public long FramesSent => Interlocked.Read(ref _framesSent);

    private long _framesSent;

    /// <summary>Serves <see cref="MerlinReplayOptions.Repeat"/> acquisitions, each to the receiver connected then
    /// (waiting for one when none is); returns when all were sent, or on cancellation. A receiver that disconnects
    /// mid-acquisition ends that acquisition; the next one goes to the next receiver.</summary>
    /// <param name="log">Where to say what happens (a line per event), or null.</param>
    /// <param name="cancel">Stops serving.</param>
    /// <returns>The acquisitions sent whole.</returns>
    /// <exception cref="TimeoutException">no receiver connected within the accept timeout.</exception>
    /// <exception cref="DataFormatException">the input holds values the format cannot send.</exception>
    public int Serve(TextWriter? log, CancellationToken cancel)
    {
        int whole = 0;
        Socket? client = null;
        try
        {
            for (int a = 0; a < _options.Repeat && !cancel.IsCancellationRequested; a++)
            {
                client ??= Accept(cancel);
                log?.WriteLine($"acquisition {a + 1} of {_options.Repeat}: {_source.FrameCount} frames to {client.RemoteEndPoint}");
                try
                {
                    SendAcquisition(client, cancel);
                    whole++;
                }
                catch (SocketException e)
                {
                    log?.WriteLine($"acquisition {a + 1}: the receiver went away ({e.SocketErrorCode}); the next acquisition goes to the next receiver.");
                    client.Dispose();
                    client = null;
                }
            }

            client?.Shutdown(SocketShutdown.Send);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            client?.Dispose();
        }

        return whole;
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    private Socket Accept(CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(_options.AcceptTimeout);
        try
        {
            Socket s = _listener.AcceptSocketAsync(timeout.Token).AsTask().GetAwaiter().GetResult();
            s.NoDelay = true;
            s.SendBufferSize = 4 << 20;
            return s;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"no receiver connected to port {Port} within {_options.AcceptTimeout.TotalSeconds:0.#} s.");
        }
    }

    private void SendAcquisition(Socket client, CancellationToken cancel)
    {
        long frames = _source.FrameCount;
        Send(client, _writer.AcquisitionHeader(frames, _source.ScanRows, _source.ScanCols));
        int messageLength = _writer.FrameMessageLength;
        if (_cache is null && frames * messageLength <= Math.Min(_options.CacheBytes, Array.MaxLength))
        {
            _cache = new byte[frames * messageLength];
            Encode(0, (int)frames, _cache);
        }

        int perBatch = (int)Math.Clamp(BatchBytes / messageLength, 1, frames);
        if (_options.Rate > 0)
        {
            perBatch = (int)Math.Clamp(_options.Rate / 1000, 1, perBatch); // about a millisecond of frames per send
        }

        byte[]? batch = _cache is null ? new byte[perBatch * messageLength] : null;
        var clock = Stopwatch.StartNew();
        for (long first = 0; first < frames; first += perBatch)
        {
            cancel.ThrowIfCancellationRequested();
            int count = (int)Math.Min(perBatch, frames - first);
            if (_options.Rate > 0)
            {
                Pace(clock, first / _options.Rate, cancel);
            }

            ReadOnlySpan<byte> bytes;
            if (_cache is not null)
            {
                bytes = _cache.AsSpan((int)(first * messageLength), count * messageLength);
            }
            else
            {
                Encode(first, count, batch);
                bytes = batch.AsSpan(0, count * messageLength);
            }

            Send(client, bytes);
            Interlocked.Add(ref _framesSent, count);
        }
    }

    private void Encode(long first, int count, Span<byte> bytes)
    {
        int messageLength = _writer.FrameMessageLength, length = _source.FrameLength;
        const int Step = 256;
        var frames = new float[Math.Min(Step, count) * length];
        for (int done = 0; done < count; done += Step)
        {
            int n = Math.Min(Step, count - done);
            _source.ReadFrames(first + done, n, frames.AsSpan(0, n * length));
            for (int i = 0; i < n; i++)
            {
                long index = first + done + i;
                _writer.WriteFrame(frames.AsSpan(i * length, length), index + 1, bytes.Slice((done + i) * messageLength, messageLength), _source.Path);
            }
        }
    }

    private static void Send(Socket client, ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int sent = client.Send(bytes);
            bytes = bytes[sent..];
        }
    }

    // Sleeps until the batch is due (no spinning: on a 2-core machine the receiver and its consumer need both cores).
    private static void Pace(Stopwatch clock, double dueSeconds, CancellationToken cancel)
    {
        double wait = dueSeconds - clock.Elapsed.TotalSeconds;
        if (wait > 0)
        {
            cancel.WaitHandle.WaitOne(TimeSpan.FromSeconds(wait));
        }
    }
}
