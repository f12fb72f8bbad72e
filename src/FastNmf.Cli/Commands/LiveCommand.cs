using System.CommandLine;
using System.Globalization;
using FastNmf.Cli.Output;
using FastNmf.Cli.View;
using FastNmf.IO;
using FastNmf.Live;
using FastNmf.Streams;

namespace FastNmf.Cli.Commands;

/// <summary>
/// <c>fastnmf live (--merlin HOST:PORT | --replay INPUT) --model DIR --out DIR</c>: the maps of a scan while it is
/// recorded, projected onto a fitted model frame by frame, with [·]_H as soon as a row's neighbours are in; at the
/// scan's end the outputs of <c>fastnmf project</c> plus what was received, lost and how fast.
/// </summary>
internal static class LiveCommand
{
    public static Command Create()
    {
        var merlin = new Option<string?>("--merlin") { Description = $"A Merlin data port to read: HOST:PORT (a Merlin PC's is {MerlinReceiver.DefaultDataPort}; `fastnmf replay merlin` serves one)." };
        var dectris = new Option<string?>("--dectris") { Description = "A DECTRIS SIMPLON stream (ZeroMQ; v1 or v2, told apart by its messages) to read: tcp://HOST:PORT (a detector's is port 9999 for v1, 31001 for v2; `fastnmf replay dectris` serves either)." };
        var replay = new Option<string?>("--replay") { Description = "Instead of a detector, stream this file through a Merlin replay on a loopback port of this process (a way to try live mode)." };
        var rate = new Option<double>("--rate") { Description = "With --replay: frames per second (0: as fast as they are processed).", DefaultValueFactory = _ => 0 };
        var model = new Option<string?>("--model") { Description = "Project mode: a fastnmf factorize output directory (the W to project onto, its mask and map kernel)." };
        var learn = new Option<bool>("--learn") { Description = "Learn mode: no model; learn W during the scan (the paper's protocol, from its ALS statistics), then finish with the batch protocol warm-started." };
        var components = new Option<int?>("--components", "-k") { Description = "With --learn: the number of components." };
        var seed = new Option<ulong>("--seed") { Description = "With --learn: the random seed of the start and the finish.", DefaultValueFactory = _ => 0 };
        var finish = new Option<int>("--finish-iterations") { Description = "With --learn: iterations of the batch protocol at the scan's end, warm-started from the learned W and H (0: none).", DefaultValueFactory = _ => 30 };
        var refresh = new Option<int>("--refresh") { Description = "With --learn: frames between W refreshes (0: one scan row, at least 256).", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "Threads for a backlog of frames and for the finish (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<string>("--out") { Description = "Output directory (must not exist or be empty).", Required = true };
        var scanShape = new Option<string?>("--scan-shape") { Description = "Scan grid ROWSxCOLS; needed unless the acquisition header announces it (ScanX/ScanY)." };
        var mapConstraint = new Option<string>("--map-constraint")
        {
            Description = "model: the model's [·]_H over each row's neighbourhood as it arrives; none: [(WᵀW)⁻¹Wᵀx]₊ alone.",
            DefaultValueFactory = _ => "model",
        };
        var wait = new Option<double>("--start-timeout") { Description = "Seconds to wait for the acquisition's first frame.", DefaultValueFactory = _ => 600 };
        var silence = new Option<double>("--timeout") { Description = "Seconds without data, mid-scan, after which the source counts as gone.", DefaultValueFactory = _ => 10 };
        var view = new Option<int?>("--view") { Description = "Serve a page with the maps filling in, the current diffractions and the rate on http://127.0.0.1:PORT/ (this machine only; 0: any free port)." };
        var command = new Command("live", "Factorize a scan while it is recorded: project onto a fitted model (--model) or learn W (--learn -k K); maps as frames arrive, the outputs when it ends.")
        {
            merlin, dectris, replay, rate, model, learn, components, seed, finish, refresh, threads, output, scanShape, mapConstraint, wait, silence, view,
        };
        command.SetAction(p => CliErrors.Run(() => Run(new LiveArguments(
            p.GetValue(merlin), p.GetValue(dectris), p.GetValue(replay), p.GetValue(rate), p.GetValue(model), p.GetValue(output)!, p.GetValue(scanShape),
            p.GetValue(mapConstraint)!, p.GetValue(wait), p.GetValue(silence), p.GetValue(learn), p.GetValue(components), p.GetValue(seed),
            p.GetValue(finish), p.GetValue(refresh), p.GetValue(threads), p.GetValue(view)))));
        return command;
    }

    private static int Run(LiveArguments a)
    {
        a.Check();
        NmfModel? m = null;
        if (!a.Learn)
        {
            m = ModelLoader.Load(a.Model!, "--model");
            if (a.MapConstraint == "none")
            {
                m = m.WithMapConstraint(MapConstraint.NonNegative);
            }

            LiveWarmUp.Run(m);
        }
        else
        {
            LiveLearnerWarmUp.Run(LiveLearn.Options(a));
        }

        using OutputDirectory dir = OutputDirectory.Begin(a.Output);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler stop = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += stop;
        LiveViewServer? view = null;
        try
        {
            view = a.View is int port ? LiveViewServer.Start(port, a.Origin) : null;
            if (view is not null)
            {
                Console.WriteLine($"view: {view.Address} (this machine only; from another, ssh -L {view.Port}:127.0.0.1:{view.Port} to it)");
            }

            using LiveSource source = LiveSource.Open(a);
            DetectorStream stream = source.Stream;
            Console.WriteLine($"waiting for the first frame from {stream.Origin} …");
            OpenOrReplayFailure(source);
            stream.ReadTimeout = TimeSpan.FromSeconds(a.SilenceSeconds);
            (int rows, int cols) = a.ScanFor(stream);
            return m is not null
                ? LiveProject.Run(a, m, source, rows, cols, dir, view, cancel.Token)
                : LiveLearn.Run(a, source, rows, cols, dir, view, cancel.Token);
        }
        catch (Exception e) when (view is { HasEnded: false })
        {
            // An open page would otherwise say only that its connection was lost (no first frame, a refused source, …).
            view.End($"fastnmf live stopped: {e.Message}", complete: false);
            throw;
        }
        finally
        {
            view?.Dispose();
            Console.CancelKeyPress -= stop;
        }
    }

    /// <summary>The feed with a progress line.</summary>
    public static LiveFeedResult Feed(DetectorStream stream, ILiveScan scan, LiveViewServer? view, CancellationToken cancel)
    {
        var line = new LiveLine();
        LiveFeedResult feed = LiveFeed.Run(stream, scan, new LiveFeedOptions(), s =>
        {
            view?.Observe(s);
            if (line.Due())
            {
                line.Draw(Describe(s));
            }
        }, cancel);
        line.Finish();
        view?.Observe(feed.Status);
        Console.WriteLine(Describe(feed.Status));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency from a frame's last byte to its map value: p50 {feed.Latency.Percentile(0.5) * 1e3:F2} ms, p99 {feed.Latency.Percentile(0.99) * 1e3:F2} ms, max {feed.Latency.MaxSeconds * 1e3:F2} ms"));
        return feed;
    }

    /// <summary>The closing lines and exit code: 0 when every frame came, else one error line saying what was written;
    /// the page's last state (<paramref name="maps"/>, <paramref name="w"/>: the written result when it is not the
    /// live one).</summary>
    public static int Close(LiveFeedResult feed, OutputDirectory dir, string files, LiveViewServer? view, float[]? maps = null, float[]? w = null)
    {
        view?.End(feed.IsComplete ? $"scan complete: {feed.Status.Received} frames; outputs in {dir.Final}" : $"{feed.Reason}; the frames received were written to {dir.Final}, flagged incomplete",
            feed.IsComplete, maps, w);
        if (feed.IsComplete)
        {
            Console.WriteLine($"wrote {dir.Final}: {files}");
            return 0;
        }

        Console.Error.WriteLine($"fastnmf: error: {feed.Reason}; the {feed.Status.Received} frame(s) received were written to {dir.Final}, flagged incomplete (summary.json: \"complete\": false; received.npy marks the positions).");
        return feed.End == LiveEnd.Cancelled ? 130 : 2;
    }

    // A replay that cannot send (values Merlin cannot carry) closes its port: say why rather than "the stream ended".
    private static void OpenOrReplayFailure(LiveSource source)
    {
        try
        {
            source.Stream.Open();
        }
        catch (DataFormatException)
        {
            source.ThrowIfReplayFailed();
            throw;
        }
    }

    private static string Describe(LiveStatus s)
    {
        string eta = s.EtaSeconds is double e ? $", ETA {e:F0} s" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"{s.Received}/{(s.Announced > 0 ? s.Announced : s.Positions)} frames, {s.FramesPerSecond:F0} frames/s, {s.MiBPerSecond:F1} MiB/s, lag {s.Backlog} frames, {s.Lost} lost, latency p99 {s.LatencyP99 * 1e3:F1} ms{eta}");
    }
}
