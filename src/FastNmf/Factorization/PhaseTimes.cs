using System.Diagnostics;

namespace FastNmf;

/// <summary>
/// Where a factorization spent its wall time, phase by phase (summed over iterations and batches). A phase is timed on
/// the calling thread around work that both cores may share, so the phases add up to nearly the wall time (the rest is
/// choosing the best restart and sorting); a user comparing runs or machines sees which part moved.
/// </summary>
public sealed class PhaseTimes
{
    private readonly long[] _ticks = new long[(int)Phase.Count];

    /// <summary>The phases of a run.</summary>
    internal enum Phase
    {
        Setup,
        Statistics,
        Storage,
        ProductHX,
        SolveW,
        ConstrainW,
        ProductWX,
        SolveH,
        ConstrainH,
        Monitor,
        Reduce,
        Count,
    }

    /// <summary>Preparing the workspace, the constraints' precomputed maps and the kernels.</summary>
    public TimeSpan Setup => Of(Phase.Setup);

    /// <summary>X's statistics over the whole scan (two passes over X: the maxima, then the exact sums).</summary>
    public TimeSpan Statistics => Of(Phase.Statistics);

    /// <summary>Building the storage copy the products run on (sparse copies, or a uint16 copy of float32 X).</summary>
    public TimeSpan Storage => Of(Phase.Storage);

    /// <summary>The W-step's pass over X: H·X (XHᵀ in the paper's layout), all restarts of a batch at once.</summary>
    public TimeSpan ProductHX => Of(Phase.ProductHX);

    /// <summary>Eq. 7's (HHᵀ)⁻¹ applied to XHᵀ, or MU's Eq. 3 update; re-seeding of dead components.</summary>
    public TimeSpan SolveW => Of(Phase.SolveW);

    /// <summary>Step 4: [·]_W or [·]₊, and the normalisation of W's columns.</summary>
    public TimeSpan ConstrainW => Of(Phase.ConstrainW);

    /// <summary>The H-step's pass over X: W·Xᵀ (WᵀX in the paper's layout).</summary>
    public TimeSpan ProductWX => Of(Phase.ProductWX);

    /// <summary>Eq. 8's WᵀW, its inverse applied to WᵀX, or MU's Eq. 4 update.</summary>
    public TimeSpan SolveH => Of(Phase.SolveH);

    /// <summary>Step 6: [·]_H (convolution, then [·]₊) or [·]₊.</summary>
    public TimeSpan ConstrainH => Of(Phase.ConstrainH);

    /// <summary>Step 7: HHᵀ, MSE, ‖ΔW‖₁, ‖ΔH‖₁, progress callbacks and the early-stop test.</summary>
    public TimeSpan Monitor => Of(Phase.Monitor);

    /// <summary>The collectives between processes: the bounds and sums of every iteration and [·]_H's edge rows (no
    /// time in one process).</summary>
    public TimeSpan Reduce => Of(Phase.Reduce);

    /// <summary>Named phases, in iteration order, for reports.</summary>
    public IEnumerable<(string Name, TimeSpan Time)> All =>
    [
        ("setup", Setup), ("statistics", Statistics), ("storage", Storage), ("product_hx", ProductHX), ("solve_w", SolveW), ("constrain_w", ConstrainW),
        ("product_wx", ProductWX), ("solve_h", SolveH), ("constrain_h", ConstrainH), ("monitor", Monitor), ("reduce", Reduce),
    ];

    /// <summary>Adds the time since <paramref name="since"/> (a <see cref="Stopwatch.GetTimestamp"/> value) to
    /// <paramref name="phase"/> and returns the current timestamp, so consecutive phases chain without gaps.</summary>
    internal long Add(Phase phase, long since)
    {
        long now = Stopwatch.GetTimestamp();
        _ticks[(int)phase] += now - since;
        return now;
    }

    private TimeSpan Of(Phase phase) => Stopwatch.GetElapsedTime(0, _ticks[(int)phase]);
}
