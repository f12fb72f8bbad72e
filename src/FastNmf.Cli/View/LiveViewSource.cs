using FastNmf.Live;

namespace FastNmf.Cli.View;

/// <summary>What the live page shows of a scan in progress: its shape, the maps so far and the current W, read from
/// the page's own thread through the live scan's locked snapshots.</summary>
/// <param name="Mode">"project" or "learn".</param>
/// <param name="Components">k.</param>
/// <param name="ScanRows">Scan rows.</param>
/// <param name="ScanCols">Scan columns.</param>
/// <param name="DetRows">Detector rows.</param>
/// <param name="DetCols">Detector columns.</param>
/// <param name="CopyMaps">Fills k × ScanRows × ScanCols map values (NaN where a frame was lost).</param>
/// <param name="CurrentModel">The model the maps are projected onto now (null before a learner has one): a new
/// instance whenever W changes.</param>
/// <param name="StartFrames">A learner's: the frames W starts from (0: W is there from the first frame).</param>
internal sealed record LiveViewSource(string Mode, int Components, int ScanRows, int ScanCols, int DetRows, int DetCols,
    Action<float[]> CopyMaps, Func<NmfModel?> CurrentModel, int StartFrames = 0)
{
    /// <summary>A projection onto a fixed model.</summary>
    public static LiveViewSource Of(LiveProjection live) =>
        new("project", live.Model.Components, live.ScanRows, live.ScanCols, live.DetRows, live.DetCols, h => live.CopyMaps(h), () => live.Model);

    /// <summary>A learner: W changes at each refresh.</summary>
    public static LiveViewSource Of(LiveLearner learner, int components) =>
        new("learn", components, learner.ScanRows, learner.ScanCols, learner.DetRows, learner.DetCols, h => learner.CopyMaps(h), () => learner.Model, learner.StartPositions);
}
