using System.Runtime.InteropServices;
using FastNmf.Dectris;
using FastNmf.Hdf5.Filters;
using FastNmf.Live;
using NetMQ;
using NetMQ.Sockets;

namespace FastNmf.Benchmarks.Live;

/// <summary>
/// The DECTRIS SIMPLON receivers over loopback ZeroMQ, as rows of <see cref="LiveThroughput"/>: a sender that pushes
/// frames bitshuffle + LZ4 compressed once up front (so it sends at wire speed, not at its encoder's) as stream v1
/// (four parts per image) or v2 (one CBOR message), and <see cref="SimplonStreamReader"/> decoding them into a scan
/// that keeps nothing (the receiver alone) or projects onto k components. The MB/s column counts compressed bytes.
/// </summary>
internal static class DectrisThroughput
{
    public static void Rows(int det, NmfModel model, ushort[] seed, int frames)
    {
        int length = det * det, distinct = seed.Length / length;
        byte[][] blobs = new byte[distinct][];
        for (int i = 0; i < distinct; i++)
        {
            blobs[i] = BitshuffleCodec.EncodeLz4(MemoryMarshal.AsBytes(seed.AsSpan(i * length, length)), 2, 0);
        }

        foreach (int version in new[] { 1, 2 })
        {
            LiveThroughput.Row(det, $"dectris v{version} receiver alone", Feed(version, det, frames, blobs, new LiveThroughput.NullScan(frames, det)));
        }

        using var live = new LiveProjection(model, frames / 64, 64);
        LiveThroughput.Row(det, $"dectris v2, project k = {model.Components}", Feed(2, det, frames, blobs, live));
    }

    private static LiveFeedResult Feed(int version, int det, int frames, byte[][] blobs, ILiveScan scan)
    {
        using var push = new PushSocket();
        push.Options.SendHighWatermark = 1000;
        push.Options.Linger = TimeSpan.FromSeconds(5);
        int port = push.BindRandomPort("tcp://127.0.0.1");
        using var stream = new SimplonStreamReader($"tcp://127.0.0.1:{port}", TimeSpan.FromSeconds(30));
        Task sending = Task.Run(() => Send(push, version, det, frames, blobs));
        LiveFeedResult result = LiveFeed.Run(stream, scan, new LiveFeedOptions(), null, CancellationToken.None);
        if (!sending.Wait(TimeSpan.FromSeconds(60)) || !result.IsComplete)
        {
            throw new InvalidOperationException($"the SIMPLON v{version} feed did not complete: {result.Reason}");
        }

        return result;
    }

    private static void Send(PushSocket push, int version, int det, int frames, byte[][] blobs)
    {
        const string unique = "benchmark";
        if (version == 2)
        {
            Parts(push, SimplonV2Writer.Start(1, unique, frames, det, det));
        }
        else
        {
            Parts(push, SimplonV1Writer.Header(1, frames, det, det));
        }

        byte[] imageD = SimplonV1Writer.ImageD(det, det);
        for (int f = 0; f < frames; f++)
        {
            byte[] blob = blobs[f % blobs.Length];
            if (version == 2)
            {
                Parts(push, SimplonV2Writer.Image(1, unique, f, det, det, blob));
            }
            else
            {
                Parts(push, SimplonV1Writer.Image(1, f, imageD, blob));
            }
        }

        Parts(push, version == 2 ? [SimplonV2Writer.End(1, unique)] : SimplonV1Writer.End(1));
    }

    // One message (bounded: a receiver gone for 30 s fails the benchmark instead of hanging it).
    private static void Parts(PushSocket push, params byte[][] parts)
    {
        for (int i = 0; i < parts.Length; i++)
        {
            if (!push.TrySendFrame(TimeSpan.FromSeconds(30), parts[i], i < parts.Length - 1))
            {
                throw new TimeoutException("the SIMPLON receiver took nothing for 30 s");
            }
        }
    }
}
