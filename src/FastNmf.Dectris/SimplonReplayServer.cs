using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using FastNmf.Hdf5.Filters;
using FastNmf.IO;
using NetMQ;
using NetMQ.Sockets;

namespace FastNmf.Dectris;

/// <summary>
/// Serves a file as a DECTRIS detector's SIMPLON stream: a ZeroMQ PUSH socket bound on loopback (or a given address)
/// that sends one series at a set rate or as fast as the receiver pulls (PUSH blocks at its high-water mark). Version 1:
/// dheader-1.0 with the detector configuration (pixels, image count), every frame as dimage-1.0, dimage_d-1.0
/// (bitshuffle + LZ4 uint16, <c>bs16-lz4&lt;</c>), the blob and dconfig-1.0, then dseries_end-1.0. Version 2: the CBOR
/// start, image and end messages of <see cref="SimplonV2Writer"/> (the same bitshuffle + LZ4 bytes).
/// </summary>
public sealed class SimplonReplayServer : IDisposable
{
    private readonly FrameSource _source;
    private readonly PushSocket _socket;
    private readonly double _rate;
    private readonly long _series;
    private readonly int _version;

    /// <summary>Binds at once, so <see cref="Port"/> is known before <see cref="Serve"/>.</summary>
    public SimplonReplayServer(FrameSource source, IPAddress address, int port, double rate, long series = 1, int streamVersion = 1)
    {
        if (streamVersion is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(streamVersion), streamVersion, "SIMPLON stream versions are 1 and 2.");
        }

        _version = streamVersion;
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfNegative(rate);
        _source = source;
        _rate = rate;
        _series = series;
        _socket = new PushSocket();
        _socket.Options.SendHighWatermark = 1000;
        _socket.Options.Linger = TimeSpan.FromSeconds(5);
        string host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        if (port == 0)
        {
            Port = _socket.BindRandomPort($"tcp://{host}");
        }
        else
        {
            _socket.Bind($"tcp://{host}:{port}");
            Port = port;
        }
    }

    /// <summary>The port bound.</summary>
    public int Port { get; }

    /// <summary>Images sent so far.</summary>
    public long FramesSent => Interlocked.Read(ref _sent);

    private long _sent;

    /// <summary>Sends the series; returns when every message is queued (the socket lingers 5 s to deliver them), or on cancellation.</summary>
    /// <exception cref="DataFormatException">a value is not a whole count uint16 holds.</exception>
    public void Serve(CancellationToken cancel)
    {
        long frames = _source.FrameCount;
        int rows = _source.DetRows, cols = _source.DetCols, length = _source.FrameLength;
        string unique = $"fastnmf-replay-{_series}";
        if (_version == 2)
        {
            Send([SimplonV2Writer.Start(_series, unique, frames, rows, cols)], cancel);
        }
        else
        {
            Send(SimplonV1Writer.Header(_series, frames, rows, cols), cancel);
        }

        byte[] imageD = SimplonV1Writer.ImageD(rows, cols);
        var floats = new float[length];
        var counts = new ushort[length];
        var clock = Stopwatch.StartNew();
        for (long f = 0; f < frames && !cancel.IsCancellationRequested; f++)
        {
            _source.ReadFrames(f, 1, floats);
            for (int i = 0; i < length; i++)
            {
                float v = floats[i];
                if (!(v >= 0 && v <= ushort.MaxValue && v == MathF.Floor(v)))
                {
                    throw new DataFormatException(_source.Path, null, $"frame {f}, pixel ({i / cols}, {i % cols}) is {v}: a uint16 SIMPLON stream sends whole counts from 0 to 65535.");
                }

                counts[i] = (ushort)v;
            }

            byte[] blob = BitshuffleCodec.EncodeLz4(MemoryMarshal.AsBytes(counts.AsSpan()), 2, 0);
            if (_rate > 0)
            {
                double wait = (f / _rate) - clock.Elapsed.TotalSeconds;
                if (wait > 0)
                {
                    cancel.WaitHandle.WaitOne(TimeSpan.FromSeconds(wait));
                }
            }

            if (_version == 2)
            {
                Send([SimplonV2Writer.Image(_series, unique, f, rows, cols, blob)], cancel);
            }
            else
            {
                Send(SimplonV1Writer.Image(_series, f, imageD, blob), cancel);
            }

            Interlocked.Increment(ref _sent);
        }

        Send(_version == 2 ? [SimplonV2Writer.End(_series, unique)] : SimplonV1Writer.End(_series), cancel);
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose() => _socket.Dispose();

    /// <summary>Sends raw parts (for tests of faults: any parts, in any order).</summary>
    internal void Send(IReadOnlyList<byte[]> parts, CancellationToken cancel)
    {
        for (int i = 0; i < parts.Count; i++)
        {
            bool more = i < parts.Count - 1;
            while (!_socket.TrySendFrame(TimeSpan.FromMilliseconds(100), parts[i], more))
            {
                cancel.ThrowIfCancellationRequested();
            }
        }
    }
}
