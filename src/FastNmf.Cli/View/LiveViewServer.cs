using System.Net;
using System.Net.Sockets;
using System.Text;
using FastNmf.Live;

namespace FastNmf.Cli.View;

/// <summary>
/// <c>fastnmf live --view PORT</c>: an HTTP server on 127.0.0.1 only (a remote screen reaches it through an SSH
/// tunnel) with one page (<c>/</c>, <see cref="LiveViewPage"/>) and its server-sent events (<c>/events</c>,
/// <see cref="LiveViewEvents"/>), published from a thread of its own twice a second while a page is connected: the
/// feed's status, the maps so far and, when W is new, the diffractions. At most <see cref="MaxClients"/> pages; one
/// that does not take its events within <see cref="WriteTimeoutMilliseconds"/> is dropped, so the scan never waits for
/// a browser.
/// </summary>
internal sealed class LiveViewServer : IDisposable
{
    public const int MaxClients = 8;
    public const int WriteTimeoutMilliseconds = 2000;
    private const int RequestLimit = 8192;

    private readonly TcpListener _listener;
    private readonly Thread _acceptor;
    private readonly Thread _publisher;
    private readonly List<Client> _clients = [];
    private readonly LiveViewEvents _events = new();
    private readonly ManualResetEventSlim _wake = new();
    private readonly string _origin;
    private readonly TimeSpan _interval;
    private LiveViewSource? _source;
    private LiveStatus? _status;
    private float[] _maps = [];
    private volatile bool _stopped;
    private bool _ended;

    private LiveViewServer(TcpListener listener, string origin, TimeSpan interval)
    {
        _listener = listener;
        _origin = origin;
        _interval = interval;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _acceptor = new Thread(Accept) { IsBackground = true, Name = "fastnmf view acceptor" };
        _publisher = new Thread(Publish) { IsBackground = true, Name = "fastnmf view publisher" };
        _acceptor.Start();
        _publisher.Start();
    }

    /// <summary>The port listened on (the one asked for, or the system's choice for 0).</summary>
    public int Port { get; }

    /// <summary>The page's address.</summary>
    public string Address => $"http://127.0.0.1:{Port}/";

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> (0: any free port).</summary>
    /// <exception cref="IOException">the port cannot be listened on (in use, or not allowed).</exception>
    public static LiveViewServer Start(int port, string origin, TimeSpan? interval = null)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start(MaxClients);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new IOException($"--view {port}: cannot listen on 127.0.0.1:{port}: {e.Message}.", e);
        }

        return new LiveViewServer(listener, origin, interval ?? TimeSpan.FromMilliseconds(500));
    }

    /// <summary>The scan to show, once its shape is known.</summary>
    public void Attach(LiveViewSource source)
    {
        lock (_clients)
        {
            _source = source;
            _maps = new float[source.Components * source.ScanRows * source.ScanCols];
            foreach (Client c in _clients)
            {
                c.Fresh = true;
            }
        }

        _wake.Set();
    }

    /// <summary>The feed's latest status (called on the feed's thread; only stored).</summary>
    public void Observe(LiveStatus status) => Volatile.Write(ref _status, status);

    /// <summary>Tells every page what the command does now (after the last frame, before <see cref="End"/>).</summary>
    public void Note(string message)
    {
        lock (_clients)
        {
            if (!_ended)
            {
                Send(_events.Note(message));
            }
        }
    }

    /// <summary>Whether <see cref="End"/> was called.</summary>
    public bool HasEnded
    {
        get
        {
            lock (_clients)
            {
                return _ended;
            }
        }
    }

    /// <summary>The last state, then the <c>end</c> event, to every page; the server stops publishing and accepting.
    /// <paramref name="maps"/> and <paramref name="w"/>: the written result when it is not the live one (a learner's
    /// finish).</summary>
    public void End(string message, bool complete, float[]? maps = null, float[]? w = null)
    {
        _stopped = true;
        _wake.Set();
        _publisher.Join(TimeSpan.FromSeconds(5));
        lock (_clients)
        {
            _ended = true;
            if (_source is LiveViewSource s)
            {
                if (Volatile.Read(ref _status) is LiveStatus status)
                {
                    Send(_events.Status(status));
                }

                if (maps is null)
                {
                    s.CopyMaps(_maps);
                }

                Send(_events.Maps(maps ?? _maps, s.Components, s.ScanRows * s.ScanCols, maps is null ? "the scan's maps" : "the written result"));
                if ((w ?? s.CurrentModel()?.W) is float[] diffractions)
                {
                    Send(_events.Diffractions(diffractions, s.Components, s.DetRows, s.DetCols, w is null ? "W" : "the written result"));
                }
            }

            Send(_events.End(message, complete));
            foreach (Client c in _clients)
            {
                c.Dispose();
            }

            _clients.Clear();
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _wake.Set();
        _listener.Stop();
        _acceptor.Join(TimeSpan.FromSeconds(5));
        _publisher.Join(TimeSpan.FromSeconds(5));
        lock (_clients)
        {
            _ended = true;
            foreach (Client c in _clients)
            {
                c.Dispose();
            }

            _clients.Clear();
        }

        _wake.Dispose();
    }

    private void Accept()
    {
        while (!_stopped)
        {
            TcpClient tcp;
            try
            {
                tcp = _listener.AcceptTcpClient();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            ThreadPool.QueueUserWorkItem(_ => Serve(tcp));
        }
    }

    // One request: the page, the event stream (kept), or 404. A request line that does not come within 5 s, or is
    // not GET, closes the connection.
    private void Serve(TcpClient tcp)
    {
        bool kept = false;
        try
        {
            tcp.NoDelay = true;
            NetworkStream stream = tcp.GetStream();
            stream.ReadTimeout = 5000;
            stream.WriteTimeout = WriteTimeoutMilliseconds;
            string? path = ReadPath(stream);
            if (path is "/" or "/index.html")
            {
                Respond(stream, "200 OK", "text/html; charset=utf-8", LiveViewPage.Html);
            }
            else if (path == "/events")
            {
                kept = Subscribe(tcp, stream);
            }
            else
            {
                Respond(stream, path is null ? "400 Bad Request" : "404 Not Found", "text/plain; charset=utf-8", path is null ? "GET requests only.\n" : "Not found: the page is /, its events /events.\n");
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // a page that went away
        }
        finally
        {
            if (!kept)
            {
                tcp.Dispose();
            }
        }
    }

    private bool Subscribe(TcpClient tcp, NetworkStream stream)
    {
        lock (_clients)
        {
            if (_ended || _clients.Count >= MaxClients)
            {
                Respond(stream, "503 Service Unavailable", "text/plain; charset=utf-8", _ended ? "The scan has ended.\n" : $"At most {MaxClients} pages at once.\n");
                return false;
            }

            // No length: the stream lasts until the scan ends. A page that loses it reconnects after 1 s.
            stream.Write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\r\nretry: 1000\n\n"u8);
            _clients.Add(new Client(tcp, stream) { Fresh = true });
        }

        _wake.Set();
        return true;
    }

    private void Publish()
    {
        NmfModel? shown = null;
        long received = -1;
        LiveStatus? sent = null;
        while (!_stopped)
        {
            _wake.Wait(_interval);
            _wake.Reset();
            if (_stopped)
            {
                return;
            }

            lock (_clients)
            {
                if (_clients.Count == 0)
                {
                    continue;
                }

                bool anyFresh = _clients.Exists(c => c.Fresh);
                if (_source is not LiveViewSource s)
                {
                    if (anyFresh)
                    {
                        SendFresh(_events.Waiting(_origin));
                        _clients.ForEach(c => c.Fresh = false);
                    }

                    continue;
                }

                if (anyFresh)
                {
                    SendFresh(_events.Hello(s));
                }

                LiveStatus? status = Volatile.Read(ref _status);
                if (status is not null && !ReferenceEquals(status, sent))
                {
                    Send(_events.Status(status));
                    sent = status;
                }
                else if (status is not null && anyFresh)
                {
                    SendFresh(_events.Status(status));
                }

                NmfModel? model = s.CurrentModel();
                if (model is not null && (!ReferenceEquals(model, shown) || anyFresh))
                {
                    byte[] diffractions = _events.Diffractions(model.W, s.Components, s.DetRows, s.DetCols, "W");
                    if (ReferenceEquals(model, shown))
                    {
                        SendFresh(diffractions);
                    }
                    else
                    {
                        Send(diffractions);
                        shown = model;
                    }
                }

                long now = status?.Received ?? 0;
                if (now != received || anyFresh)
                {
                    s.CopyMaps(_maps);
                    byte[] maps = _events.Maps(_maps, s.Components, s.ScanRows * s.ScanCols, "the scan's maps");
                    if (now == received)
                    {
                        SendFresh(maps);
                    }
                    else
                    {
                        Send(maps);
                        received = now;
                    }
                }

                _clients.ForEach(c => c.Fresh = false);
            }
        }
    }

    // Callers hold the _clients lock.
    private void Send(byte[] message) => Write(message, _ => true);

    private void SendFresh(byte[] message) => Write(message, c => c.Fresh);

    private void Write(byte[] message, Predicate<Client> to)
    {
        for (int i = _clients.Count - 1; i >= 0; i--)
        {
            Client c = _clients[i];
            if (!to(c))
            {
                continue;
            }

            try
            {
                c.Stream.Write(message);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                c.Dispose();
                _clients.RemoveAt(i);
            }
        }
    }

    // The path of a GET request, or null for anything else; reads the header up to its blank line.
    private static string? ReadPath(NetworkStream stream)
    {
        var buffer = new byte[RequestLimit];
        int length = 0;
        while (length < buffer.Length)
        {
            int n = stream.Read(buffer, length, buffer.Length - length);
            if (n == 0)
            {
                return null;
            }

            length += n;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        string head = Encoding.ASCII.GetString(buffer, 0, length);
        string[] line = head[..Math.Max(0, head.IndexOf('\r'))].Split(' ');
        if (line.Length != 3 || line[0] != "GET")
        {
            return null;
        }

        int query = line[1].IndexOf('?');
        return query >= 0 ? line[1][..query] : line[1];
    }

    private static void Respond(NetworkStream stream, string status, string type, string body)
    {
        byte[] content = Encoding.UTF8.GetBytes(body);
        stream.Write(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: {type}\r\nContent-Length: {content.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"));
        stream.Write(content);
    }

    private sealed class Client(TcpClient tcp, NetworkStream stream) : IDisposable
    {
        public NetworkStream Stream { get; } = stream;

        public bool Fresh { get; set; }

        public void Dispose() => tcp.Dispose();
    }
}
