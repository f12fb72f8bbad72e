using System.Numerics.Tensors;
using FastNmf.Constraints;
using FastNmf.Kernels.SmallSolve;
using FastNmf.Memory;

namespace FastNmf.Factorization;

/// <summary>The per-restart steps: solves (Eqs. 3–8), [·]_H, and Step 7's arithmetic on the reduced sums.</summary>
internal sealed unsafe partial class NmfSolver
{
    // Runs one per-restart step for restarts [0, count): restart-parallel over the team when there are enough restarts,
    // else restart by restart with the team inside the k×k products.
    private void RunStep(Step step, int count)
    {
        _step = step;
        if (count >= _team.Threads && _team.Threads > 1)
        {
            _teamInside = false;
            _team.Run(this, count);
        }
        else
        {
            _teamInside = true;
            Execute(0, 0, count);
        }
    }

    /// <summary>Runs the current step for restarts [start, end) with part <paramref name="part"/>'s scratch.</summary>
    public void Execute(int part, int start, int end)
    {
        for (int r = start; r < end; r++)
        {
            if (!_active[r])
            {
                if (_step == Step.SolveW)
                {
                    CopyRows(_ws.Of(_ws.WView, r), _ws.Of(_ws.WNextView, r));
                }
                else if (_step == Step.SolveH)
                {
                    CopyRows(_ws.Of(_ws.HView, r), _ws.Of(_ws.HNextView, r));
                }

                continue;
            }

            switch (_step)
            {
                case Step.SolveW: SolveW(r, _parts[part]); break;
                case Step.SolveH: SolveH(r, _parts[part]); break;
                case Step.ConstrainH: ConstrainH(r, _ws.Of(_ws.HNextView, r), _parts[part]); break;
                default: Finish(r); break;
            }
        }
    }

    private void SolveW(int r, PartScratch scratch)
    {
        MatrixView w = _ws.Of(_ws.WView, r);
        MatrixView next = _ws.Of(_ws.WNextView, r);
        MatrixView a = _ws.Of(_ws.AView, r);
        if (_options.Method == NmfMethod.Mu)
        {
            // Eq. 3: W ← W ⊛ XHᵀ ⊘ (W HHᵀ); in our layout the denominator is (HHᵀ)·Wᵀ.
            MultiplicativeUpdate(_ws.GramH[r], w, a, _ws.Of(_ws.DView, r), next);
        }
        else
        {
            // Eq. 5 / Eq. 7: Wᵀ = (HHᵀ)⁻¹ (H X).
            Solve(r, _ws.GramH[r], a, next, scratch);
        }
    }

    private void SolveH(int r, PartScratch scratch)
    {
        MatrixView h = _ws.Of(_ws.HView, r);
        MatrixView next = _ws.Of(_ws.HNextView, r);
        MatrixView b = _ws.Of(_ws.BView, r);
        // WᵀW is replicated: every rank holds the same W.
        Kernels.Products.Gram(_ws.Of(_ws.WView, r), _ws.GramW[r]);
        if (_options.Method == NmfMethod.Mu)
        {
            // Eq. 4: H ← H ⊛ WᵀX ⊘ (WᵀW H).
            MultiplicativeUpdate(_ws.GramW[r], h, b, _ws.Of(_ws.EView, r), next);
        }
        else
        {
            // Eq. 6 / Eq. 8: H = (WᵀW)⁻¹ (WᵀX).
            Solve(r, _ws.GramW[r], b, next, scratch);
        }
    }

    // next = current ⊛ numerator ⊘ (gram·current + ε), row by row; the denominator is built in scratch.
    private void MultiplicativeUpdate(double[] gram, MatrixView current, MatrixView numerator, MatrixView scratch, MatrixView next)
    {
        MultiplySmall(gram, current, scratch);
        for (int c = 0; c < _k; c++)
        {
            Span<float> d = scratch.Row(c);
            TensorPrimitives.Add(d, _options.MuEpsilon, d);
            TensorPrimitives.Divide(numerator.Row(c), d, d);
            TensorPrimitives.Multiply(current.Row(c), d, next.Row(c));
        }
    }

    // Step 7 for one restart, on the reduced sums (replicated): HHᵀ for the next W-step; with monitoring, the MSE,
    // ‖ΔW‖₁ (W is replicated, so no reduction), ‖ΔH‖₁ and ‖H‖₁.
    private void Finish(int r)
    {
        (double cross, double deltaH, double l1H) = _reduction.Finish(r, _ws.GramH[r]);
        if (!_monitor)
        {
            return;
        }

        _mse[r] = Mse(r, cross);
        _deltaW[r] = L1Difference(_ws.Of(_ws.WView, r), _ws.Of(_ws.WNextView, r));
        _deltaH[r] = deltaH;
        _l1H[r] = l1H;
    }

    // Step 7, on the calling thread in restart order: the finiteness check, the record, progress and the early-stop test.
    private void Record(int r, int iteration, IterationHistory history, Action<IterationStats>? progress)
    {
        double mse = _mse[r], deltaW = _deltaW[r], deltaH = _deltaH[r];
        if (!double.IsFinite(mse) || !double.IsFinite(deltaW) || !double.IsFinite(deltaH))
        {
            throw new NumericalBreakdownException($"numerical breakdown in restart {_restartOf[r]} at iteration {iteration} (MSE {mse}); the data may be degenerate.");
        }

        _done[r] = iteration + 1;
        var stats = new IterationStats(_restartOf[r], iteration, mse, deltaW, deltaH);
        history.Record(stats);
        progress?.Invoke(stats);
        if (_options.Tolerance is { } tol && deltaW <= tol * L1(_ws.Of(_ws.WView, r)) && deltaH <= tol * _l1H[r])
        {
            _active[r] = false;
        }
    }

    // MSE = (‖X‖² − 2 tr(Wᵀ X Hᵀ) + tr(WᵀW · HHᵀ)) / (n_uv n_xy), all in double; the cross term Σ_c b_c·h_c is reduced
    // over the scan, the quadratic term from the replicated k×k matrices.
    private double Mse(int r, double cross)
    {
        double quad = 0;
        double[] gw = _ws.GramW[r];
        double[] gh = _ws.GramH[r];
        for (int i = 0; i < _k * _k; i++)
        {
            quad += gw[i] * gh[i];
        }

        return Math.Max(0, (_stats.SumOfSquares - (2 * cross) + quad) / _elements);
    }

    private void Solve(int r, double[] gram, MatrixView rhs, MatrixView dst, PartScratch scratch)
    {
        double ridge;
        try
        {
            ridge = CholeskyInverse.Invert(gram, scratch.Inverse, scratch.Factor, _k);
        }
        catch (ArithmeticException e)
        {
            // The Gram matrix is reduced and replicated: every rank breaks down here alike.
            throw new NumericalBreakdownException($"numerical breakdown in restart {_restartOf[r]}: {e.Message}", e);
        }

        if (ridge > 0)
        {
            _ridgeSolves[r]++;
            _maxRidge[r] = Math.Max(_maxRidge[r], ridge);
        }

        MultiplySmall(scratch.Inverse, rhs, dst);
    }

    // dst = m · src (k×k times k rows): split by columns over the team when the step runs restart by restart, on this
    // thread alone when restarts run in parallel (a product's columns are independent, so the bits are the same).
    private void MultiplySmall(double[] m, MatrixView src, MatrixView dst)
    {
        if (!_teamInside)
        {
            Kernels.Products.MultiplySmall(m, src, dst);
            return;
        }

        _small.M = m;
        _small.Src = src;
        _small.Dst = dst;
        _team.Run(_small, ProductsSmallWork.Chunks(src.Cols), 4);
    }

    // Step 6: [·]₊ or [·]_H (convolution of the slab with the neighbours' edge rows, then [·]₊).
    private void ConstrainH(int r, MatrixView h, PartScratch scratch)
    {
        MapConstraint kind = _options.Method == NmfMethod.Constrained ? _options.MapConstraint : MapConstraint.NonNegative;
        var all = new Span<float>(h.Data, _k * h.Cols);
        if (kind == MapConstraint.Convolution)
        {
            MapSmoothing smoothing = scratch.Smoothing!;
            var buffer = new Span<float>(_ws.Of(_ws.EView, r).Data, _k * h.Cols);
            ReadOnlySpan<float> source = _halo is null ? all : scratch.WithHalo(all, _halo.Above(r), _halo.Below(r), _k);
            smoothing.Convolve(source, buffer, _k);
            TensorPrimitives.Max(buffer, 0f, all);
        }
        else if (kind == MapConstraint.NonNegative)
        {
            TensorPrimitives.Max(all, 0f, all);
        }
    }

    // What one thread needs for its restarts' k×k solves and map convolutions.
    private sealed class PartScratch
    {
        private readonly float[] _source;

        public PartScratch(int k, MapSmoothing? smoothing)
        {
            Inverse = new double[k * k];
            Factor = new double[k * k];
            Smoothing = smoothing;
            _source = smoothing is null ? [] : new float[k * smoothing.SourceRows * smoothing.Cols];
        }

        public double[] Inverse { get; }

        public double[] Factor { get; }

        public MapSmoothing? Smoothing { get; }

        // The k maps with the rows from the neighbours above and below: the convolution's source.
        public ReadOnlySpan<float> WithHalo(ReadOnlySpan<float> own, ReadOnlySpan<float> above, ReadOnlySpan<float> below, int k)
        {
            MapSmoothing s = Smoothing!;
            int cols = s.Cols;
            int a = s.HaloAbove * cols, m = s.Rows * cols, b = s.HaloBelow * cols;
            for (int c = 0; c < k; c++)
            {
                Span<float> dst = _source.AsSpan(c * (a + m + b), a + m + b);
                above.Slice(c * a, a).CopyTo(dst);
                own.Slice(c * m, m).CopyTo(dst[a..]);
                below.Slice(c * b, b).CopyTo(dst[(a + m)..]);
            }

            return _source.AsSpan(0, k * (a + m + b));
        }
    }
}
