using System.Numerics.Tensors;
using FastNmf.Constraints;
using FastNmf.Kernels.Reductions;
using FastNmf.Kernels.SmallSolve;
using FastNmf.Memory;

namespace FastNmf.Factorization;

/// <summary>The per-restart steps between the two products: solves (Eqs. 3–8), [·]_H, and Step 7's arithmetic.</summary>
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
                default: Monitor(r); break;
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

    // Step 7, the arithmetic for one restart (restart-parallel): its Gram matrix of H, MSE and the L1 changes.
    private void Monitor(int r)
    {
        MatrixView h = _ws.Of(_ws.HView, r);
        Kernels.Products.Gram(h, _ws.GramH[r]);
        _mse[r] = Mse(r);
        _deltaW[r] = L1Difference(_ws.Of(_ws.WView, r), _ws.Of(_ws.WNextView, r));
        _deltaH[r] = L1Difference(h, _ws.Of(_ws.HNextView, r));
    }

    // Step 7, on the calling thread in restart order: the finiteness check, the record, progress and the early-stop test.
    private void Record(int first, int r, int iteration, IterationHistory history, Action<IterationStats>? progress)
    {
        double mse = _mse[r], deltaW = _deltaW[r], deltaH = _deltaH[r];
        if (!double.IsFinite(mse) || !double.IsFinite(deltaW) || !double.IsFinite(deltaH))
        {
            throw new ArithmeticException($"numerical breakdown in restart {first + r} at iteration {iteration} (MSE {mse}); the data may be degenerate.");
        }

        _done[r] = iteration + 1;
        var stats = new IterationStats(first + r, iteration, mse, deltaW, deltaH);
        history.Record(stats);
        progress?.Invoke(stats);
        MatrixView h = _ws.Of(_ws.HView, r);
        if (_options.Tolerance is { } tol && deltaW <= tol * L1(_ws.Of(_ws.WView, r)) && deltaH <= tol * L1(h))
        {
            _active[r] = false;
        }
    }

    // MSE = (‖X‖² − 2 tr(Wᵀ X Hᵀ) + tr(WᵀW · HHᵀ)) / (n_uv n_xy), all in double; B = W·Xᵀ already holds the cross term.
    private double Mse(int r)
    {
        MatrixView b = _ws.Of(_ws.BView, r);
        MatrixView h = _ws.Of(_ws.HView, r);
        double cross = 0;
        for (int c = 0; c < _k; c++)
        {
            cross += DoubleReductions.Dot(b.Row(c), h.Row(c));
        }

        double quad = 0;
        double[] gw = _ws.GramW[r];
        double[] gh = _ws.GramH[r];
        for (int i = 0; i < _k * _k; i++)
        {
            quad += gw[i] * gh[i];
        }

        return Math.Max(0, (_x.SumOfSquares - (2 * cross) + quad) / _elements);
    }

    private void Solve(int r, double[] gram, MatrixView rhs, MatrixView dst, PartScratch scratch)
    {
        double ridge = CholeskyInverse.Invert(gram, scratch.Inverse, scratch.Factor, _k);
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
        _team.Run(_small, ProductWork.Chunks(src.Cols), 4);
    }

    // Step 6: [·]₊ or [·]_H (convolution, then [·]₊).
    private void ConstrainH(int r, MatrixView h, PartScratch scratch)
    {
        MapConstraint kind = _options.Method == NmfMethod.Constrained ? _options.MapConstraint : MapConstraint.NonNegative;
        var all = new Span<float>(h.Data, _k * h.Cols);
        if (kind == MapConstraint.Convolution)
        {
            var buffer = new Span<float>(_ws.Of(_ws.EView, r).Data, _k * h.Cols);
            scratch.Smoothing!.Convolve(all, buffer, _k);
            TensorPrimitives.Max(buffer, 0f, all);
        }
        else if (kind == MapConstraint.NonNegative)
        {
            TensorPrimitives.Max(all, 0f, all);
        }
    }

    // What one thread needs for its restarts' k×k solves and map convolutions.
    private sealed class PartScratch(int k, MapSmoothing? smoothing)
    {
        public double[] Inverse { get; } = new double[k * k];

        public double[] Factor { get; } = new double[k * k];

        public MapSmoothing? Smoothing { get; } = smoothing;
    }
}
