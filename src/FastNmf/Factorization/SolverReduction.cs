using FastNmf.Kernels.Reductions;
using FastNmf.Memory;

namespace FastNmf.Factorization;

/// <summary>
/// The buffers and grids of one iteration's explicit reductions. Every sum over scan positions the solver needs goes
/// through here, shaped as local work → reduce → identical replicated k×k work:
/// <list type="number">
/// <item>the bounds: per restart and component, max_j |h_cj| and max_j |b_cj| of this rank's frames, reduced by max
/// (<see cref="Bounds"/>; exact in any order);</item>
/// <item>from them the grids every rank shares (<see cref="PrepareGrids"/>), then this rank's canonical-block partials
/// of H·X (the operand's accumulators at the start of <see cref="Sums"/>) and, per restart, of HHᵀ, the MSE's cross
/// term Σ b·h, ‖ΔH‖₁ and ‖H‖₁ (two-fold, after the accumulators), all reduced by one sum;</item>
/// <item>the reduced values read back (<see cref="Finish"/>).</item>
/// </list>
/// </summary>
internal sealed unsafe class SolverReduction : IDisposable
{
    private readonly int _k;
    private readonly int _batch;
    private readonly long _totalFrames;
    private readonly int _totalBlocks;
    private readonly AlignedBuffer<double> _bounds;
    private readonly AlignedBuffer<double> _power;
    private readonly AlignedBuffer<double> _sums;
    private readonly double[] _oldHMax;
    private readonly double[] _magic;

    /// <param name="k">Components per restart.</param>
    /// <param name="batch">Restarts per pass.</param>
    /// <param name="accumulatorLength">Doubles of the operand's folded H·X for the whole batch.</param>
    /// <param name="totalFrames">n_xy of the whole scan (all ranks).</param>
    /// <param name="totalBlocks">Canonical blocks of the whole scan.</param>
    public SolverReduction(int k, int batch, long accumulatorLength, long totalFrames, int totalBlocks)
    {
        _k = k;
        _batch = batch;
        _totalFrames = totalFrames;
        _totalBlocks = totalBlocks;
        AccumulatorLength = (accumulatorLength + 7) & ~7L;
        SmallPerRestart = (2 * k * k) + 6;
        _bounds = new AlignedBuffer<double>((2L * k * batch) + 1, "H and W·Xᵀ bounds and the stop flag");
        _power = new AlignedBuffer<double>((long)k * batch, "H·X component grids");
        _sums = new AlignedBuffer<double>(AccumulatorLength + ((long)SmallPerRestart * batch), "reduced sums");
        _oldHMax = new double[k * batch];
        _magic = new double[SmallPerRestart * batch];
    }

    /// <summary>Doubles per restart of the small sums: HHᵀ (hi, lo), then cross, ΔH and ‖H‖₁ (hi, lo each).</summary>
    public int SmallPerRestart { get; }

    /// <summary>Doubles of the H·X accumulators at the start of <see cref="Sums"/>.</summary>
    public long AccumulatorLength { get; }

    /// <summary>[r·k + c]: max |h_c| of restart r, then at k·batch + r·k + c: max |b_c| (B = W·Xᵀ).</summary>
    public Span<double> Bounds => new(_bounds.Pointer, 2 * _k * _batch);

    /// <summary><see cref="Bounds"/> and, last, the stop flag: what the max reduction carries, so a run cancelled on one
    /// rank stops on every rank at the same iteration.</summary>
    public Span<double> BoundsAndStop => new(_bounds.Pointer, (2 * _k * _batch) + 1);

    /// <summary>Raises this rank's stop flag (before the reduction).</summary>
    public void RequestStop() => _bounds.Pointer[2 * _k * _batch] = 1;

    /// <summary>True when some rank raised its stop flag (after the reduction).</summary>
    public bool StopRequested => _bounds.Pointer[2 * _k * _batch] != 0;

    /// <summary>[r·k + c]: the power of two at or above max |h_c| over every rank (the operand's component grids).</summary>
    public double* ComponentPower => _power.Pointer;

    /// <summary>The H·X accumulators (the operand's layout).</summary>
    public double* Accumulators => _sums.Pointer;

    /// <summary>Everything one sum reduces: the accumulators, then the small sums of <paramref name="restarts"/> restarts
    /// (or only the small sums, when no H·X is due).</summary>
    public Span<double> Sums(int restarts, bool withAccumulators) => withAccumulators
        ? new Span<double>(_sums.Pointer, checked((int)(AccumulatorLength + ((long)SmallPerRestart * restarts))))
        : new Span<double>(_sums.Pointer + AccumulatorLength, SmallPerRestart * restarts);

    /// <summary>Restart r's small sums (SmallPerRestart doubles).</summary>
    public Span<double> Small(int r) => new(_sums.Pointer + AccumulatorLength + ((long)SmallPerRestart * r), SmallPerRestart);

    /// <summary>Restart r's magic constants, laid out as <see cref="Small"/>.</summary>
    public ReadOnlySpan<double> Magic(int r) => _magic.AsSpan(SmallPerRestart * r, SmallPerRestart);

    /// <summary>Starts a reduction: bounds and stop flag cleared (before the local maxima are taken).</summary>
    public void ClearBounds() => BoundsAndStop.Clear();

    /// <summary>From the reduced <see cref="Bounds"/>: the component grids of H·X and the magic constants of each
    /// restart's small sums; remembers this iteration's max |h| for the next one's ‖ΔH‖₁ bound. Identical on every rank.</summary>
    public void PrepareGrids(int restarts)
    {
        Span<double> bounds = Bounds;
        int kb = _k * _batch;
        for (int i = 0; i < restarts * _k; i++)
        {
            _power.Pointer[i] = ExactFold.PowerAbove(bounds[i]);
        }

        double n = _totalFrames;
        for (int r = 0; r < restarts; r++)
        {
            Span<double> m = _magic.AsSpan(SmallPerRestart * r, SmallPerRestart);
            ReadOnlySpan<double> h = bounds.Slice(r * _k, _k);
            ReadOnlySpan<double> b = bounds.Slice(kb + (r * _k), _k);
            double cross = 0, delta = 0, l1 = 0;
            for (int c = 0; c < _k; c++)
            {
                for (int d = 0; d < _k; d++)
                {
                    (m[(c * _k) + d], m[(_k * _k) + (c * _k) + d]) = Magics(n * h[c] * h[d]);
                }

                cross += b[c] * h[c];
                delta += h[c] + _oldHMax[(r * _k) + c];
                l1 += h[c];
            }

            int s = 2 * _k * _k;
            (m[s], m[s + 1]) = Magics(n * cross);
            (m[s + 2], m[s + 3]) = Magics(n * delta);
            (m[s + 4], m[s + 5]) = Magics(n * l1);
            h.CopyTo(_oldHMax.AsSpan(r * _k, _k));
        }
    }

    /// <summary>Reads restart r's reduced small sums: HHᵀ into <paramref name="gram"/>, and the cross term, ‖ΔH‖₁ and ‖H‖₁.</summary>
    public (double Cross, double DeltaH, double L1H) Finish(int r, Span<double> gram)
    {
        Span<double> s = Small(r);
        int kk = _k * _k;
        for (int i = 0; i < kk; i++)
        {
            gram[i] = s[i] + s[kk + i];
        }

        int t = 2 * kk;
        return (s[t] + s[t + 1], s[t + 2] + s[t + 3], s[t + 4] + s[t + 5]);
    }

    public void Dispose()
    {
        _bounds.Dispose();
        _power.Dispose();
        _sums.Dispose();
    }

    private (double Hi, double Lo) Magics(double bound)
    {
        double grid = ExactFold.Grid(bound);
        return (ExactFold.Magic(grid), ExactFold.Magic(ExactFold.ResidualGrid(grid, _totalBlocks)));
    }
}
