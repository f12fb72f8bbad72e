using FastNmf.Cli.Output;
using FastNmf.Cli.View;
using FastNmf.Hdf5.Results;
using FastNmf.IO;
using FastNmf.Live;

namespace FastNmf.Cli.Commands;

/// <summary>Project mode of <c>fastnmf live</c>: the scan onto a fitted model as it arrives; the outputs of <c>project</c>.</summary>
internal static class LiveProject
{
    public static int Run(LiveArguments a, NmfModel m, LiveSource source, int rows, int cols, OutputDirectory dir, LiveViewServer? view, CancellationToken cancel)
    {
        MerlinStreamReaderInfo(source, rows, cols, $"projecting onto k = {m.Components} ({(m.MapConstraint == MapConstraint.Convolution ? $"[·]_H {m.MapKernel.Description} per row" : "[·]₊")})");
        using var live = new LiveProjection(m, rows, cols, a.Threads);
        view?.Attach(LiveViewSource.Of(live));
        LiveFeedResult feed = LiveCommand.Feed(source.Stream, live, view, cancel);
        source.ThrowIfReplayFailed();
        Projection projection = live.ToProjection();
        var states = new PositionState[live.Positions];
        live.CopyStates(states);
        Write(dir, m, projection, states, rows, cols);
        ProjectionFile.Write(dir.File("results.h5"), m, projection, Path.GetFullPath(a.Model!), TimeSpan.FromSeconds(feed.Status.Seconds), null);
        LiveSummary.Write(dir.File("summary.json"), "project", m, projection, Path.GetFullPath(a.Model!), source.Stream.Origin, source.Stream.Describe(), feed, null);
        dir.Commit();
        Console.WriteLine($"MSE {projection.Mse:F6}");
        return LiveCommand.Close(feed, dir, "H.npy, residual.npy, received.npy, results.h5, summary.json", view);
    }

    /// <summary>H.npy, residual.npy and received.npy of a projection.</summary>
    public static void Write(OutputDirectory dir, NmfModel m, Projection projection, PositionState[] states, int rows, int cols)
    {
        NpyWriter.Write(dir.File("H.npy"), projection.H, [m.Components, rows, cols]);
        NpyWriter.Write(dir.File("residual.npy"), projection.MeanSquaredResidual(), [rows, cols]);
        NpyWriter.Write(dir.File("received.npy"), states.Select(s => s == PositionState.Received).ToArray(), [rows, cols]);
    }

    /// <summary>The line that says what the stream sends and what is done with it.</summary>
    public static void MerlinStreamReaderInfo(LiveSource source, int rows, int cols, string doing)
    {
        Streams.DetectorStream stream = source.Stream;
        Console.WriteLine($"{stream.Origin}: {stream.Describe()}{(stream.FramesAnnounced > 0 ? $", {stream.FramesAnnounced} frames announced" : string.Empty)}; scan {rows}×{cols}, {doing}");
    }
}
