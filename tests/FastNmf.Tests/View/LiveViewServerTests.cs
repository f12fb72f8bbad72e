using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using FastNmf.Cli.View;
using FastNmf.Live;
using NUnit.Framework;

namespace FastNmf.Tests.View;

/// <summary>
/// The live page's server over loopback: the page is self-contained; a page connected before the scan's first frame
/// is told it waits, then gets the shapes, the status, the maps and W; the maps it gets are the live projection's; a
/// note says what follows the last frame;
/// unknown paths are 404, pages beyond the limit 503; the end is one last event and a closed stream; a port in use is
/// one clear error.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(60_000)]
public sealed class LiveViewServerTests
{
    [Test]
    public void Page_IsOneSelfContainedDocument()
    {
        using LiveViewServer server = LiveViewServer.Start(0, "test");
        (TcpClient tcp, StreamReader reader, string head) = ViewFixture.Get(server.Port, "/");
        using (tcp)
        {
            string body = reader.ReadToEnd();
            Assert.Multiple(() =>
            {
                Assert.That(head, Does.StartWith("HTTP/1.1 200 OK").And.Contain("text/html"));
                Assert.That(body, Does.Contain("new EventSource('/events')"));
                Assert.That(Regex.IsMatch(body, @"(src|href)\s*=|@import|url\(|https?://"), Is.False, "no external script, style, font or image");
            });
        }
    }

    [Test]
    public void Events_FromWaitingToTheLiveMapsToTheEnd()
    {
        using var live = new LiveProjection(ViewFixture.Model, ViewFixture.Data.ScanRows, ViewFixture.Data.ScanCols);
        using LiveViewServer server = LiveViewServer.Start(0, "merlin 127.0.0.1:1", TimeSpan.FromMilliseconds(50));
        (TcpClient tcp, StreamReader reader, string head) = ViewFixture.Get(server.Port, "/events");
        using (tcp)
        {
            (List<string> waiting, _) = ViewFixture.ReadEvents(reader, "waiting");
            int half = ViewFixture.Data.NXy / 2;
            ViewFixture.Push(live, 0, half);
            server.Observe(ViewFixture.Status(half));
            server.Attach(LiveViewSource.Of(live));
            (List<string> names, Dictionary<string, string> data) = ViewFixture.ReadEvents(reader, "maps");
            var expected = new float[ViewFixture.Model.Components * ViewFixture.Data.NXy];
            live.CopyMaps(expected);
            server.Note("finishing");
            server.End("scan complete", true);
            (List<string> last, Dictionary<string, string> final) = ViewFixture.ReadEvents(reader, "end");
            bool closed = reader.ReadLine() == string.Empty && reader.ReadLine() is null;

            byte[] image = JsonDocument.Parse(data["maps"]).RootElement.GetProperty("data").GetBytesFromBase64();
            var quantized = new byte[expected.Length];
            LiveViewEvents.Quantize(expected, ViewFixture.Model.Components, ViewFixture.Data.NXy, false, quantized, new float[ViewFixture.Model.Components]);
            Assert.Multiple(() =>
            {
                Assert.That(head, Does.StartWith("HTTP/1.1 200 OK").And.Contain("text/event-stream"));
                Assert.That(waiting, Is.EqualTo(new[] { "waiting" }));
                Assert.That(names, Is.EqualTo(new[] { "hello", "status", "diffractions", "maps" }));
                Assert.That(JsonDocument.Parse(data["status"]).RootElement.GetProperty("received").GetInt64(), Is.EqualTo(half));
                Assert.That(image, Is.EqualTo(quantized).AsCollection, "the live projection's maps so far");
                Assert.That(image.Skip(half).Take(ViewFixture.Data.NXy - half), Is.All.Zero, "nothing where no frame arrived yet");
                Assert.That(last[^1], Is.EqualTo("end"));
                Assert.That(last, Does.Contain("note"), "what the command does after the last frame");
                Assert.That(final["note"], Does.Contain("finishing"));
                Assert.That(final["end"], Does.Contain("scan complete"));
                Assert.That(closed, Is.True, "the stream closes after the end");
            });
        }
    }

    /// <summary>A command that fails before its first frame (no source attached) still ends the page with why.</summary>
    [Test]
    public void End_BeforeAnyFrame_TellsTheOpenPageWhy()
    {
        using LiveViewServer server = LiveViewServer.Start(0, "merlin 127.0.0.1:1", TimeSpan.FromMilliseconds(50));
        (TcpClient tcp, StreamReader reader, _) = ViewFixture.Get(server.Port, "/events");
        using (tcp)
        {
            ViewFixture.ReadEvents(reader, "waiting");
            Assert.That(server.HasEnded, Is.False);
            server.End("fastnmf live stopped: no first frame within 30 s", complete: false);
            (List<string> last, Dictionary<string, string> final) = ViewFixture.ReadEvents(reader, "end");
            Assert.Multiple(() =>
            {
                Assert.That(server.HasEnded, Is.True);
                Assert.That(last[^1], Is.EqualTo("end"));
                Assert.That(final["end"], Does.Contain("no first frame within 30 s").And.Contain("\"complete\":false"));
            });
        }
    }

    [Test]
    public void UnknownPaths_Are404_NonGetIs400_AndPagesBeyondTheLimitAre503()
    {
        using LiveViewServer server = LiveViewServer.Start(0, "test");
        (TcpClient missing, _, string notFound) = ViewFixture.Get(server.Port, "/W.npy");
        missing.Dispose();
        var pages = new List<TcpClient>();
        try
        {
            for (int i = 0; i < LiveViewServer.MaxClients; i++)
            {
                (TcpClient tcp, StreamReader reader, string head) = ViewFixture.Get(server.Port, "/events");
                pages.Add(tcp);
                Assert.That(head, Does.StartWith("HTTP/1.1 200"), $"page {i}");
            }

            (TcpClient extra, _, string refused) = ViewFixture.Get(server.Port, "/events");
            extra.Dispose();
            using var post = new TcpClient("127.0.0.1", server.Port);
            post.GetStream().Write("POST / HTTP/1.1\r\n\r\n"u8);
            post.GetStream().ReadTimeout = 10_000;
            string bad = new StreamReader(post.GetStream()).ReadLine() ?? string.Empty;

            Assert.Multiple(() =>
            {
                Assert.That(notFound, Does.StartWith("HTTP/1.1 404"));
                Assert.That(refused, Does.StartWith("HTTP/1.1 503"));
                Assert.That(bad, Does.StartWith("HTTP/1.1 400"));
            });
        }
        finally
        {
            pages.ForEach(p => p.Dispose());
        }
    }

    [Test]
    public void APortInUse_IsOneClearError()
    {
        using LiveViewServer first = LiveViewServer.Start(0, "test");

        IOException e = Assert.Throws<IOException>(() => LiveViewServer.Start(first.Port, "test").Dispose())!;

        Assert.That(e.Message, Does.StartWith($"--view {first.Port}: cannot listen on 127.0.0.1:{first.Port}"));
    }
}
