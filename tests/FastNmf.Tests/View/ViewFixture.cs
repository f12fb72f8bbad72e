using System.Net.Sockets;
using System.Text;
using FastNmf.Data;
using FastNmf.Live;
using FastNmf.Simulation;

namespace FastNmf.Tests.View;

/// <summary>A small fitted model and its scan for the live page's tests, and a raw HTTP client over loopback with
/// bounded reads.</summary>
internal static class ViewFixture
{
    private static readonly Lazy<(Dataset4D Data, NmfModel Model)> s_fit = new(() =>
    {
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 16, ScanCols = 16, DetRows = 32, DetCols = 32, Dose = 4000, Seed = 9 });
        using UnfoldedData x = UnfoldedData.Create(data);
        NmfResult fit = Factorizer.Run(x, new NmfOptions { Components = 3, Iterations = 40, Restarts = 1, Seed = 1, Threads = 2 });
        return (data, fit.Model);
    });

    public static Dataset4D Data => s_fit.Value.Data;

    public static NmfModel Model => s_fit.Value.Model;

    /// <summary>Pushes frames [first, first + count) of the scan.</summary>
    public static void Push(LiveProjection live, int first, int count) =>
        live.Push(Data.Data.AsSpan(first * Data.NUv, count * Data.NUv), first);

    /// <summary>A status as the feed would report it after <paramref name="received"/> frames.</summary>
    public static LiveStatus Status(long received) => new(received, 0, 0, Data.NXy, received * Data.NUv * 2, 1 + (received / 100.0), 0, 0.0005, 0.002);

    /// <summary>A GET of <paramref name="path"/>: the open connection, its response read through the header.</summary>
    public static (TcpClient Tcp, StreamReader Reader, string Head) Get(int port, string path)
    {
        var tcp = new TcpClient();
        tcp.Connect("127.0.0.1", port);
        NetworkStream stream = tcp.GetStream();
        stream.ReadTimeout = 10_000;
        stream.Write(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"));
        var reader = new StreamReader(stream, Encoding.UTF8);
        var head = new StringBuilder();
        string? line;
        while ((line = reader.ReadLine()) is not null && line.Length > 0)
        {
            head.AppendLine(line);
        }

        return (tcp, reader, head.ToString());
    }

    /// <summary>Server-sent events until one named <paramref name="until"/> (or the stream ends): the names in order, and
    /// the data of the last of each name.</summary>
    public static (List<string> Names, Dictionary<string, string> Data) ReadEvents(StreamReader reader, string until, int limit = 200)
    {
        var names = new List<string>();
        var data = new Dictionary<string, string>();
        string? name = null, line;
        while (names.Count < limit && (line = reader.ReadLine()) is not null)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
            {
                names.Add(name);
                data[name] = line["data: ".Length..];
                if (name == until)
                {
                    break;
                }

                name = null;
            }
        }

        return (names, data);
    }
}
