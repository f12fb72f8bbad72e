using FastNmf.Data;

namespace FastNmf.Live;

/// <summary>
/// A learning scan in miniature, to run before the real one: the start (the batch protocol), the statistics, refreshes,
/// a pass, the final passes and a one-iteration finish, on synthetic 64 × 64 frames with the real scan's k and
/// protocol. A .NET process compiles each method on its first call: without this the first scan's start took about
/// 0.5 s longer (k = 30, 128² frames, Zen 5) while its frames queued. The compiled code does not depend on the detector's
/// size, so this can run before the stream says what it is. (The NativeAOT library is compiled ahead: not needed there.)
/// </summary>
public static class LiveLearnerWarmUp
{
    private const int Det = 64;
    private const int Rows = 4;

    /// <summary>Runs the miniature scan with <paramref name="options"/>' protocol (k, constraints, threads).</summary>
    public static void Run(LiveLearnOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int cols = Math.Max(16, options.Batch.Components), pixels = Det * Det;
        var warm = options with
        {
            StartFrames = 2 * cols,
            RefreshFrames = cols / 2,
            StartIterations = 2,
            Repasses = 1,
            FinalRepasses = 1,
            FinishIterations = 1,
        };
        ushort[] frames = Frames(Rows * cols * pixels);
        using var learner = new LiveLearner(PixelMap.Create(Det, Det), Rows, cols, warm);
        for (int row = 0; row < Rows; row++)
        {
            learner.Push(frames.AsSpan(row * cols * pixels, cols * pixels), row * cols);
        }

        learner.Complete();
        learner.Finish();
    }

    // About a third of the pixels counted (1 to 9), as in diffraction patterns, so the sparse paths are the ones compiled.
    private static ushort[] Frames(int length)
    {
        var frames = new ushort[length];
        uint state = 2463534242;
        for (int i = 0; i < frames.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            frames[i] = state % 3 == 0 ? (ushort)(1 + ((state >> 8) % 9)) : (ushort)0;
        }

        return frames;
    }
}
