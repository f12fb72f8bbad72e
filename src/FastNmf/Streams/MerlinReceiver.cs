using System.Net;
using System.Net.Sockets;

namespace FastNmf.Streams;

/// <summary>Connects to a Merlin data port (6342 on a Merlin PC; any port for a replay) and returns its reader.</summary>
public static class MerlinReceiver
{
    /// <summary>The data port of a Merlin readout PC.</summary>
    public const int DefaultDataPort = 6342;

    /// <summary>Opens a TCP connection to <paramref name="host"/>:<paramref name="port"/> within
    /// <paramref name="connectTimeout"/>; reads then wait at most <paramref name="readTimeout"/> for data. The socket's
    /// receive buffer is 4 MiB: when the consumer falls behind, TCP's window closes and the sender is held back.</summary>
    /// <exception cref="IO.DataFormatException">the connection was refused, timed out or failed (named with the address).</exception>
    public static MerlinStreamReader Connect(string host, int port, TimeSpan connectTimeout, TimeSpan readTimeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        string origin = $"merlin {host}:{port}";
        var client = new TcpClient(host.Contains(':', StringComparison.Ordinal) ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork)
        {
            NoDelay = true,
            ReceiveBufferSize = 4 << 20,
        };
        try
        {
            using var cancel = new CancellationTokenSource(connectTimeout);
            EndPoint endPoint = IPAddress.TryParse(host, out IPAddress? ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
            client.Client.ConnectAsync(endPoint, cancel.Token).AsTask().GetAwaiter().GetResult();
            NetworkStream stream = client.GetStream();
            stream.ReadTimeout = (int)Math.Clamp(readTimeout.TotalMilliseconds, 1, int.MaxValue);
            return new MerlinStreamReader(stream, origin, client);
        }
        catch (OperationCanceledException)
        {
            client.Dispose();
            throw new IO.DataFormatException(origin, null, $"no connection within {connectTimeout.TotalSeconds:0.#} s: is the detector (or `fastnmf replay merlin`) serving this port?");
        }
        catch (SocketException e)
        {
            client.Dispose();
            throw new IO.DataFormatException(origin, null, $"cannot connect: {e.Message}.");
        }
    }
}
