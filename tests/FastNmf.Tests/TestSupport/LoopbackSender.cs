using System.Net;
using System.Net.Sockets;

namespace FastNmf.Tests.TestSupport;

/// <summary>A TCP server on 127.0.0.1 (port 0: a free one) that sends one connecting client the given chunks, with a
/// pause after each if asked, then closes; every wait is bounded (10 s to accept).</summary>
public sealed class LoopbackSender : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Task _task;

    public LoopbackSender(IEnumerable<byte[]> chunks, TimeSpan pauseAfterEach = default, bool holdOpen = false)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(1);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _task = Task.Run(async () =>
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using Socket client = await _listener.AcceptSocketAsync(cancel.Token);
            try
            {
                foreach (byte[] chunk in chunks)
                {
                    await client.SendAsync(chunk);
                    if (pauseAfterEach > TimeSpan.Zero)
                    {
                        await Task.Delay(pauseAfterEach);
                    }
                }

                if (holdOpen)
                {
                    await Task.Delay(TimeSpan.FromSeconds(2));
                }

                client.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // the receiver went away first
            }
        });
    }

    public int Port { get; }

    public void Dispose()
    {
        _listener.Dispose();
        _task.Wait(TimeSpan.FromSeconds(10));
    }
}
