using FastNmf.Data;
using FastNmf.Live;
using FastNmf.Native.Abi;
using FastNmf.Native.Errors;

namespace FastNmf.Native.Handles;

/// <summary>What one <c>fastnmf_live*</c> holds: a live projection of a scan onto a model, or a learner of W during
/// the scan (and, once finished, what it learned). The snapshot functions ask it, so each mode answers them in one
/// place. One call at a time: a host that pushes from one thread and reads snapshots from another serialises the two
/// (BUSY otherwise).</summary>
internal sealed class LiveSession : IHandleObject
{
    private int _busy;
    private volatile bool _destroyed;

    public LiveSession(LiveProjection projection)
    {
        Projection = projection;
        Scan = projection;
        Pixels = projection.Model.Pixels;
        Components = projection.Model.Components;
    }

    public LiveSession(LiveLearner learner, PixelMap pixels, int components)
    {
        Learner = learner;
        Scan = learner;
        Pixels = pixels;
        Components = components;
    }

    public ILiveScan Scan { get; }

    /// <summary>The projection, or null for a learning scan.</summary>
    public LiveProjection? Projection { get; }

    /// <summary>The learner, or null for a projection.</summary>
    public LiveLearner? Learner { get; }

    /// <summary>After <c>fastnmf_live_finish</c>: what the learner learned and its finish.</summary>
    public LiveLearnResult? Learned { get; set; }

    public PixelMap Pixels { get; }

    public int Components { get; }

    public bool IsComplete => Projection?.IsComplete ?? Learner!.IsComplete;

    public long Received => Projection?.Received ?? Learner!.Received;

    public long Lost => Projection?.Lost ?? Learner!.Lost;

    /// <summary>Scan rows whose maps are final: a projection's, or every row once a learner has finished.</summary>
    public int FinalRows => Projection?.FinalRows ?? (Learned is null ? 0 : Learner!.ScanRows);

    /// <summary>W's length, once there is a W (NO_RESULT before, so a size query says so too).</summary>
    public long WLength
    {
        get
        {
            _ = CurrentModel();
            return (long)Components * Pixels.DetectorPixels;
        }
    }

    /// <summary>The residuals' length, once there are residuals (a learner's come with the finish).</summary>
    public long ResidualLength => Projection is not null || Learned is not null ? Scan.Positions : throw NotFinished();

    public long MapsLength => (long)Components * Scan.Positions;

    public bool IsDestroyed => _destroyed;

    public bool TryEnter() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void Exit() => Volatile.Write(ref _busy, 0);

    /// <summary>The learner, or INVALID_ARGUMENT naming the function for a projection.</summary>
    public LiveLearner RequireLearner(string function) =>
        Learner ?? throw new CApiException(Status.InvalidArgument, $"{function}: this live scan projects onto a model (fastnmf_live_create); learning functions need fastnmf_live_create_learn.");

    /// <summary>The maps: a projection's snapshot; a learner's so far, or after the finish its final H.</summary>
    public void CopyMaps(Span<float> h)
    {
        if (Projection is not null)
        {
            Projection.CopyMaps(h);
        }
        else if (Learned is null)
        {
            Learner!.CopyMaps(h);
        }
        else
        {
            (Learned.Finished?.H ?? Learned.Projection.H).CopyTo(h);
        }
    }

    /// <summary>The residuals: a projection's snapshot; a learner's after the finish (on the learned W).</summary>
    public void CopyResidual(Span<double> residual)
    {
        if (Projection is not null)
        {
            Projection.CopyResidual(residual);
            return;
        }

        (Learned ?? throw NotFinished()).Projection.Residual.CopyTo(residual);
    }

    public void CopyStates(Span<PositionState> states)
    {
        if (Projection is not null)
        {
            Projection.CopyStates(states);
        }
        else
        {
            Learner!.CopyStates(states);
        }
    }

    /// <summary>The current W: the model's; the learner's (NO_RESULT before its start frames are in), or after the
    /// finish the finished W.</summary>
    public void CopyW(Span<float> w)
    {
        if (Projection is not null)
        {
            Projection.Model.W.CopyTo(w);
        }
        else if (Learned?.Finished is { } finished)
        {
            finished.W.CopyTo(w);
        }
        else if (!Learner!.TryCopyW(w))
        {
            throw NoW(Learner);
        }
    }

    /// <summary>The current W as a model: the projection's; the finished or learned one of a learner.</summary>
    public NmfModel CurrentModel()
    {
        if (Projection is not null)
        {
            return Projection.Model;
        }

        if (Learned is not null)
        {
            return Learned.Finished is { } finished ? finished.Model : Learned.Learned;
        }

        return Learner!.Model ?? throw NoW(Learner);
    }

    public void MarkDestroyed()
    {
        _destroyed = true;
        Projection?.Dispose();
        Learner?.Dispose();
    }

    private static CApiException NoW(LiveLearner learner) =>
        new(Status.NoResult, $"W does not exist yet: it starts when the first {learner.StartPositions} positions (whole scan rows) are in; {learner.Received} frame(s) received.");

    private static CApiException NotFinished() =>
        new(Status.NoResult, "a learning scan's residuals come with fastnmf_live_finish (each frame on the learned W): the scan is not finished.");
}
