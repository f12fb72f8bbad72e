namespace FastNmf.Live;

/// <summary>The checks every live scan makes before it takes frames for positions: the scan is not over, the positions
/// lie in it, and none of them already has a frame or was marked lost (a repeated frame would overwrite the scan).</summary>
internal static class PositionChecks
{
    /// <exception cref="InvalidOperationException">the scan is complete.</exception>
    /// <exception cref="ArgumentException">positions outside the scan, or one already received or lost.</exception>
    public static void Check(ReadOnlySpan<PositionState> states, long firstPosition, int count, int scanCols, bool completed)
    {
        if (completed)
        {
            throw new InvalidOperationException("the scan is complete: no more frames.");
        }

        int n = states.Length;
        if (firstPosition < 0 || count < 0 || firstPosition + count > n)
        {
            throw new ArgumentException($"positions [{firstPosition}, {firstPosition + count}) are outside the {n / scanCols}×{scanCols} scan's {n}.", nameof(firstPosition));
        }

        int taken = states.Slice((int)firstPosition, count).IndexOfAnyExcept(PositionState.Pending);
        if (taken >= 0)
        {
            long j = firstPosition + taken;
            throw new ArgumentException($"scan position {j} (row {j / scanCols}, column {j % scanCols}) was already {(states[(int)j] == PositionState.Lost ? "marked lost" : "received")}: a repeated frame would overwrite the scan.", nameof(firstPosition));
        }
    }
}
