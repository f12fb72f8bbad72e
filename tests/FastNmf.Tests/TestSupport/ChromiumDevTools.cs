using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace FastNmf.Tests.TestSupport;

/// <summary>
/// Debian's headless Chromium on one page, driven through the DevTools protocol over its loopback WebSocket: evaluate
/// an expression, wait for one to hold, take a screenshot — as often as a test needs while the page keeps running
/// (the one-shot <c>--screenshot</c> flag takes a single picture at load). Every wait is bounded; a fresh profile per
/// browser; the process tree is killed on dispose. Console messages go to <see cref="Log"/> (lines with ":CONSOLE").
/// </summary>
internal sealed class ChromiumDevTools : IDisposable
{
    private static readonly TimeSpan s_start = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_call = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly StringBuilder _log = new();
    private int _id;

    private ChromiumDevTools(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>What the browser wrote to stderr so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="browser"/> on <paramref name="url"/> in a window of the given size.</summary>
    public static ChromiumDevTools Open(string browser, string url, int width, int height)
    {
        string profile = Path.Combine(Path.GetTempPath(), "FastNmf.DevTools." + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var info = new ProcessStartInfo(browser) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in Report.ChromiumRunner.CommonFlags.Concat(
            ["--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", $"--window-size={width},{height}", $"--user-data-dir={profile}", url]))
        {
            info.ArgumentList.Add(a);
        }

        Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {browser}.");
        var tools = new ChromiumDevTools(process, profile);
        try
        {
            tools.Connect();
            return tools;
        }
        catch
        {
            tools.Dispose();
            throw;
        }
    }

    /// <summary>The value of a JavaScript expression, as JSON text.</summary>
    public string Evaluate(string expression)
    {
        using JsonDocument reply = Call("Runtime.evaluate", new { expression, returnByValue = true });
        JsonElement result = reply.RootElement.GetProperty("result").GetProperty("result");
        return result.TryGetProperty("value", out JsonElement value) ? value.GetRawText() : "undefined";
    }

    /// <summary>Polls <paramref name="expression"/> every 50 ms until it is true; false when <paramref name="timeout"/> passes first.</summary>
    public bool WaitFor(string expression, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Evaluate(expression) == "true")
            {
                return true;
            }

            Thread.Sleep(50);
        }

        return false;
    }

    /// <summary>A PNG of the page's viewport.</summary>
    public byte[] Screenshot()
    {
        using JsonDocument reply = Call("Page.captureScreenshot", new { format = "png" });
        return Convert.FromBase64String(reply.RootElement.GetProperty("result").GetProperty("data").GetString()!);
    }

    public void Dispose()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var close = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, close.Token).Wait(TimeSpan.FromSeconds(2));
            }
        }
        catch (Exception e) when (e is AggregateException or WebSocketException or OperationCanceledException)
        {
            // the browser is killed next
        }

        _socket.Dispose();
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // a crash file the browser still writes: the temporary directory's owner cleans it
        }
    }

    // The browser prints its DevTools address on stderr; the page's own endpoint is listed at /json/list.
    private void Connect()
    {
        var endpoint = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_log)
            {
                _log.AppendLine(e.Data);
            }

            const string Marker = "DevTools listening on ";
            int at = e.Data.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                endpoint.TrySetResult(e.Data[(at + Marker.Length)..].Trim());
            }
        };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        if (!endpoint.Task.Wait(s_start))
        {
            throw new TimeoutException($"Chromium printed no DevTools address within {s_start.TotalSeconds} s: {Log}");
        }

        var browser = new Uri(endpoint.Task.Result);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        string? page = null;
        while (page is null && clock.Elapsed < s_start)
        {
            using JsonDocument list = JsonDocument.Parse(http.GetStringAsync(new Uri($"http://{browser.Authority}/json/list")).Result);
            page = list.RootElement.EnumerateArray().Where(t => t.GetProperty("type").GetString() == "page")
                .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString()).FirstOrDefault();
            if (page is null)
            {
                Thread.Sleep(100);
            }
        }

        if (page is null)
        {
            throw new TimeoutException($"Chromium listed no page within {s_start.TotalSeconds} s.");
        }

        using var connect = new CancellationTokenSource(s_call);
        _socket.ConnectAsync(new Uri(page), connect.Token).Wait(s_call);
    }

    // One command and its reply (the events in between are skipped).
    private JsonDocument Call(string method, object parameters)
    {
        int id = ++_id;
        byte[] request = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["id"] = id, ["method"] = method, ["params"] = parameters });
        using var deadline = new CancellationTokenSource(s_call);
        _socket.SendAsync(request, WebSocketMessageType.Text, true, deadline.Token).Wait(s_call);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult part;
            do
            {
                Task<WebSocketReceiveResult> receive = _socket.ReceiveAsync(buffer, deadline.Token);
                if (!receive.Wait(s_call))
                {
                    throw new TimeoutException($"no DevTools reply to {method} within {s_call.TotalSeconds} s.");
                }

                part = receive.Result;
                if (part.MessageType == WebSocketMessageType.Close)
                {
                    throw new IOException($"Chromium closed the DevTools connection during {method}: {Log}");
                }

                message.Write(buffer, 0, part.Count);
            }
            while (!part.EndOfMessage);

            var reply = JsonDocument.Parse(message.ToArray());
            if (reply.RootElement.TryGetProperty("id", out JsonElement got) && got.GetInt32() == id)
            {
                if (reply.RootElement.TryGetProperty("error", out JsonElement error))
                {
                    reply.Dispose();
                    throw new InvalidOperationException($"DevTools {method}: {error.GetRawText()}");
                }

                return reply;
            }

            reply.Dispose();
        }
    }
}
