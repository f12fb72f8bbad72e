namespace FastNmf.Live;

/// <summary>How a <see cref="LiveLearner"/> learns W during a scan and finishes it.</summary>
public sealed record LiveLearnOptions
{
    /// <summary>The protocol followed: k, the constraints ([·]_W's polar options, [·]_H's kernel), seed and threads;
    /// its iterations and restarts are not used (see <see cref="StartIterations"/> and <see cref="FinishIterations"/>).</summary>
    public required NmfOptions Batch { get; init; }

    /// <summary>Frames between two refreshes of W; 0: a sixteenth of the scan, at least a scan row and 256 frames.</summary>
    public int RefreshFrames { get; init; }

    /// <summary>Frames before the first W (the batch protocol on them); 0: the whole scan rows that hold at least
    /// max(8k, 512) frames.</summary>
    public int StartFrames { get; init; }

    /// <summary>ALS passes over every frame so far each time the frames received double: each recomputes A and B with
    /// the current W, so early frames' h, computed on an early W, stop weighing on it. The doubling keeps their cost to
    /// about 2 × this many passes over the scan; 0 learns from each frame once.</summary>
    public int Repasses { get; init; } = 1;

    /// <summary>ALS passes over the whole scan when it has ended, before the learned W is final.</summary>
    public int FinalRepasses { get; init; } = 8;

    /// <summary>Iterations of the batch protocol on the start frames (one restart).</summary>
    public int StartIterations { get; init; } = 25;

    /// <summary>How much of the statistics a refresh interval keeps (sklearn's forget_factor per RefreshFrames);
    /// 1 (default) accumulates plainly: one scan, every phase weighs as much as in the batch protocol. Below 1 suits
    /// repeated or in-situ scans, where old frames should fade.</summary>
    public double ForgetFactor { get; init; } = 1.0;

    /// <summary>Iterations of the batch protocol at the scan's end, warm-started from the learned W and H (one restart);
    /// 0 skips the finish.</summary>
    public int FinishIterations { get; init; } = 30;

    /// <summary>Every setting checked before a scan starts (not on its first refresh or at its start rows).</summary>
    /// <exception cref="ArgumentException">k outside 1–64, a count below 0, no start iteration, or a forget factor
    /// outside (0, 1]; the message names the setting in words both the .NET and the C ABI's names read as.</exception>
    internal void Validate()
    {
        int k = Batch.Components;
        if (k is < 1 or > 64)
        {
            throw new ArgumentException($"k = {k}: live learning takes 1 to 64 components.");
        }

        foreach ((int value, string name) in new[] { (StartFrames, "start frames"), (RefreshFrames, "refresh frames"), (Repasses, "passes"), (FinalRepasses, "final passes"), (FinishIterations, "finish iterations") })
        {
            if (value < 0)
            {
                throw new ArgumentException($"{name} {value}: 0 or more.");
            }
        }

        if (StartIterations < 1)
        {
            throw new ArgumentException($"start iterations {StartIterations}: at least 1 (the batch protocol on the start rows).");
        }

        if (!(ForgetFactor is > 0 and <= 1))
        {
            throw new ArgumentException($"forget factor {ForgetFactor}: between 0 (exclusive) and 1.");
        }
    }
}
