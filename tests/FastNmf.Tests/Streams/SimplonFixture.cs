using System.Net;
using FastNmf.Data;
using FastNmf.Dectris;
using FastNmf.IO;
using FastNmf.Live;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Streams;

/// <summary>What the SIMPLON v1 and v2 tests share: an 8×8 scan of 20×16 frames, a model fitted to it, and a replay of
/// it through <see cref="LiveFeed"/> into a live projection.</summary>
internal static class SimplonFixture
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static readonly Lazy<(Dataset4D Data, NmfModel Model)> s_set = new(() =>
    {
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 8, ScanCols = 8, DetRows = 20, DetCols = 16, Dose = 2000, Seed = 5 });
        using UnfoldedData x = UnfoldedData.Create(data);
        return (data, Factorizer.Run(x, new NmfOptions { Components = 3, Iterations = 30, Restarts = 1, Seed = 1, Threads = 2 }).Model);
    });

    public static Dataset4D Data => s_set.Value.Data;

    public static NmfModel Model => s_set.Value.Model;

    /// <summary>The set replayed as stream <paramref name="version"/>, fed into a live projection: the feed's result,
    /// the reader (still open, for its counters) and the maps, with the whole-scan projection to compare them with.</summary>
    public static (LiveFeedResult Result, float[] Maps, float[] Whole, SimplonStreamReader Stream) Replay(int version)
    {
        using UnfoldedData x = UnfoldedData.Create(Data);
        Projection whole = Model.Project(x, 1);
        using var source = new ArrayFrameSource(Data, "sim");
        using var server = new SimplonReplayServer(source, IPAddress.Loopback, 0, 0, streamVersion: version);
        var stream = new SimplonStreamReader($"tcp://127.0.0.1:{server.Port}", Timeout);
        Task serving = Task.Run(() => server.Serve(CancellationToken.None));
        using var live = new LiveProjection(Model, 8, 8);
        LiveFeedResult result = LiveFeed.Run(stream, live, new LiveFeedOptions(), null, CancellationToken.None);
        Assert.That(serving.Wait(TimeSpan.FromSeconds(20)), Is.True, "the replay finished");
        return (result, live.ToProjection().H, whole.H, stream);
    }

    /// <summary>Reads until the series ends (at most 10 reads of up to 10 frames): the reader returns the consecutive
    /// frames that have arrived, so a run may come in parts depending on when ZeroMQ delivers them; the runs are merged.
    /// Also the pixels of frame <paramref name="watch"/> if a read started there, and the last read's count.</summary>
    public static (List<(long First, int Count)> Runs, float[]? Watched, int Last) ReadRuns(SimplonStreamReader stream, long watch)
    {
        int length = Data.DetRows * Data.DetCols;
        var counts = new ushort[10 * length];
        var runs = new List<(long First, int Count)>();
        float[]? watched = null;
        int n = -1;
        for (int reads = 0; reads < 10 && (n = stream.Read(counts, default, out long first)) > 0; reads++)
        {
            if (runs.Count > 0 && runs[^1].First + runs[^1].Count == first)
            {
                runs[^1] = (runs[^1].First, runs[^1].Count + n);
            }
            else
            {
                runs.Add((first, n));
            }

            if (first == watch)
            {
                watched = counts.Take(length).Select(v => (float)v).ToArray();
            }
        }

        return (runs, watched, n);
    }
}
