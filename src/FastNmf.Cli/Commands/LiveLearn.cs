using System.Globalization;
using FastNmf.Cli.Output;
using FastNmf.Cli.View;
using FastNmf.Data;
using FastNmf.IO;
using FastNmf.Live;

namespace FastNmf.Cli.Commands;

/// <summary>Learn mode of <c>fastnmf live</c>: W learned during the scan, then the batch protocol warm-started from it;
/// the outputs of <c>factorize</c> (from the finish) with the learned W beside them.</summary>
internal static class LiveLearn
{
    public static int Run(LiveArguments a, LiveSource source, int rows, int cols, OutputDirectory dir, LiveViewServer? view, CancellationToken cancel)
    {
        int k = a.Components!.Value;
        LiveLearnOptions options = Options(a);
        var pixels = PixelMap.Create(source.Stream.DetRows, source.Stream.DetCols);
        LiveProject.MerlinStreamReaderInfo(source, rows, cols, $"learning k = {k} (the paper's protocol; W refreshed every {(a.RefreshFrames > 0 ? a.RefreshFrames : Math.Max(Math.Max(256, cols), rows * cols / 16))} frames)");
        using var learner = new LiveLearner(pixels, rows, cols, options);
        view?.Attach(LiveViewSource.Of(learner, k));
        LiveFeedResult feed = LiveCommand.Feed(source.Stream, learner, view, cancel);
        source.ThrowIfReplayFailed();
        Console.WriteLine($"learned W: {learner.Refreshes} refreshes, {learner.Repasses} passes over the frames received, {learner.Reseeds} component(s) re-seeded");
        view?.Note(a.FinishIterations > 0 ? $"the scan's frames are in: {a.FinishIterations} iterations of the batch protocol from the learned W …" : "the scan's frames are in: projecting onto the learned W …");
        var display = new ProgressDisplay(Math.Max(1, a.FinishIterations), 1);
        LiveLearnResult result = learner.Finish(display.Report, cancel);
        display.Finish();
        var states = new PositionState[learner.Positions];
        learner.CopyStates(states);
        NmfModel learned = result.Learned;
        NpyWriter.Write(dir.File("learned_W.npy"), learned.W, [k, pixels.DetRows, pixels.DetCols]);
        double[]? agreement = null;
        string files;
        if (result.Finished is NmfResult finished)
        {
            ResultWriter.Write(dir, finished, null, MaskInfo.None, null);
            File.Move(dir.File("summary.json"), dir.File("factorize-summary.json"));
            agreement = result.Agreement!.ToArray();
            Console.WriteLine($"finished: {a.FinishIterations} iterations of the batch protocol from the learned W, MSE {finished.Mse:F6}; learned W against it: diffraction cosines " +
                string.Join(", ", agreement.Select(c => c.ToString("F4", CultureInfo.InvariantCulture))));
            NpyWriter.Write(dir.File("received.npy"), states.Select(s => s == PositionState.Received).ToArray(), [rows, cols]);
            files = "W.npy, H.npy (the finish), learned_W.npy, results.h5, received.npy, factorize-summary.json, summary.json, PNGs";
        }
        else
        {
            Console.WriteLine($"no finish: {result.FinishSkipped}; the outputs are the learned W and the scan projected onto it.");
            NpyWriter.Write(dir.File("W.npy"), learned.W, [k, pixels.DetRows, pixels.DetCols]);
            LiveProject.Write(dir, learned, result.Projection, states, rows, cols);
            files = "W.npy (learned), learned_W.npy, H.npy, residual.npy, received.npy, summary.json";
        }

        LiveSummary.Write(dir.File("summary.json"), "learn", learned, result.Projection, null, source.Stream.Origin, source.Stream.Describe(), feed,
            new LiveSummary.Learning(learner.Refreshes, learner.Repasses, learner.Reseeds, result.Finished is not null ? a.FinishIterations : 0, result.FinishSkipped, result.Finished?.Mse, agreement));
        dir.Commit();
        return LiveCommand.Close(feed, dir, files, view, result.Finished?.H, result.Finished?.W);
    }

    /// <summary>The learner's options from the command line.</summary>
    public static LiveLearnOptions Options(LiveArguments a) => new()
    {
        Batch = new NmfOptions { Components = a.Components!.Value, Seed = a.Seed, Threads = a.Threads },
        FinishIterations = a.FinishIterations,
        RefreshFrames = a.RefreshFrames,
    };
}
