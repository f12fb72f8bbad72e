using System.Diagnostics;
using System.Numerics.Tensors;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.Reductions;
using FastNmf.Kernels.SmallSolve;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;
using FastNmf.Numerics;

namespace FastNmf.Factorization;

/// <summary>
/// Runs a batch of restarts together on one workspace: one pass over X per product serves every restart (their
/// components stacked as rows), everything else — solves, constraints, re-seeding, MSE, early stop — is per restart with
/// its own random stream, so a restart's result does not depend on the batch it ran in. Storage is transposed relative
/// to the paper (W as k × n_uv, X frame-major), so Eq. 7 reads <c>Wᵀ = (HHᵀ)⁻¹ (H X)</c> and Eq. 8
/// <c>H = (WWᵀ)⁻¹ (W Xᵀ)</c> here. Nothing inside the iteration loop allocates.
/// </summary>
/// <remarks>
/// The per-restart steps between the two products (solves, [·]_H, monitoring) run restart-parallel when the batch has
/// at least as many restarts as there are threads: each thread takes a contiguous range of restarts with its own
/// scratch, so the k×k work of ten restarts no longer waits on one core. With fewer restarts each step runs restart by
/// restart with its column-wise k×k products split over the team instead. Either way a restart's arithmetic is the
/// same (the small products are independent per column), so the bits do not depend on the mode.
/// </remarks>
internal sealed unsafe class NmfSolver : ITeamWork
{
    private readonly UnfoldedData _x;
    private readonly NmfOptions _options;
    private readonly SolverWorkspace _ws;
    private readonly WorkerTeam _team;
    private readonly IXOperand _xop;
    private readonly ProductWork.SmallWork _small;
    private readonly ConstrainWWork _constrainW;
    private readonly PartScratch[] _parts;
    private readonly int _k;
    private readonly double _elements;
    private readonly SeededRandom[] _rng;
    private readonly bool[] _active;
    private readonly int[] _ridgeSolves;
    private readonly double[] _maxRidge;
    private readonly int[] _reseeds;
    private readonly double[] _mse;
    private readonly int[] _done;
    private readonly double[] _deltaW;
    private readonly double[] _deltaH;
    private readonly PhaseTimes _times;
    private Step _step;
    private bool _teamInside;

    public NmfSolver(UnfoldedData x, NmfOptions options, KernelSet kernels, IXOperand xop, SolverWorkspace workspace, WorkerTeam team, PhaseTimes times)
    {
        _times = times;
        _x = x;
        _options = options;
        _ws = workspace;
        _team = team;
        _xop = xop;
        _k = options.Components;
        _elements = (double)x.NUv * x.NXy;
        Kernels = kernels;
        _small = new ProductWork(kernels.Products).Small;
        DiffractionConstraint kind = options.Method == NmfMethod.Constrained ? options.DiffractionConstraint : DiffractionConstraint.NonNegative;
        _constrainW = new ConstrainWWork(x, kind, options.Polar, kernels, team.Threads, workspace.Rows);
        bool smooth = options.Method == NmfMethod.Constrained && options.MapConstraint == MapConstraint.Convolution;
        _parts = Enumerable.Range(0, team.Threads)
            .Select(_ => new PartScratch(_k, smooth ? new MapSmoothing(options.MapKernel, x.ScanRows, x.ScanCols, kernels.Convolution) : null))
            .ToArray();

        int batch = workspace.Batch;
        _rng = new SeededRandom[batch];
        _active = new bool[batch];
        _ridgeSolves = new int[batch];
        _maxRidge = new double[batch];
        _reseeds = new int[batch];
        _mse = new double[batch];
        _done = new int[batch];
        _deltaW = new double[batch];
        _deltaH = new double[batch];
    }

    // The per-restart steps of an iteration, run by RunStep.
    private enum Step
    {
        SolveW,
        SolveH,
        ConstrainH,
        Monitor,
    }

    public KernelSet Kernels { get; }

    /// <summary>
    /// Runs restarts <paramref name="first"/> .. first + seeds.Length − 1 together; leaves their W and H in the
    /// workspace (restart <c>first + r</c> in slot r).
    /// </summary>
    public RestartSummary[] RunBatch(int first, ReadOnlySpan<ulong> seeds, IterationHistory[] histories, Action<IterationStats>? progress, CancellationToken cancel)
    {
        int count = seeds.Length;
        if (count < 1 || count > _ws.Batch)
        {
            throw new ArgumentOutOfRangeException(nameof(seeds), $"a batch holds 1 to {_ws.Batch} restarts, got {count}.");
        }

        for (int r = 0; r < count; r++)
        {
            _rng[r] = new SeededRandom(seeds[r]);
            _active[r] = true;
            _ridgeSolves[r] = 0;
            _maxRidge[r] = 0;
            _reseeds[r] = 0;
            _mse[r] = double.NaN;
            _done[r] = 0;
            Initialise(r);
        }

        int rows = count * _k;
        for (int i = 0; i < _options.Iterations; i++)
        {
            cancel.ThrowIfCancellationRequested();
            UpdateW(count, rows);
            UpdateH(count, rows);
            long t = Stopwatch.GetTimestamp();
            RunStep(Step.Monitor, count);
            int stillActive = 0;
            for (int r = 0; r < count; r++)
            {
                if (!_active[r])
                {
                    continue;
                }

                Record(first, r, i, histories[r], progress);
                stillActive += _active[r] ? 1 : 0;
            }

            _times.Add(PhaseTimes.Phase.Monitor, t);
            if (stillActive == 0)
            {
                break;
            }
        }

        var summaries = new RestartSummary[count];
        for (int r = 0; r < count; r++)
        {
            summaries[r] = new RestartSummary(first + r, seeds[r], _mse[r], _done[r], _ridgeSolves[r], _maxRidge[r], _reseeds[r]);
        }

        return summaries;
    }

    /// <summary>Copies restart slot <paramref name="r"/>'s W and H (unpadded) into the best-so-far buffers.</summary>
    public void KeepAsBest(int r)
    {
        MatrixView w = _ws.Of(_ws.WView, r);
        MatrixView h = _ws.Of(_ws.HView, r);
        for (int c = 0; c < _k; c++)
        {
            w.Row(c).CopyTo(_ws.BestW.AsSpan(c * _ws.NUv, _ws.NUv));
            h.Row(c).CopyTo(_ws.BestH.AsSpan(c * _ws.NXy, _ws.NXy));
        }
    }

    // Step 2: random nonnegative H (and W for MU, which updates both multiplicatively), scaled like scikit-learn's
    // random init so that WH starts near the data's magnitude.
    private void Initialise(int r)
    {
        SeededRandom rng = _rng[r];
        double scale = _x.Mean > 0 ? Math.Sqrt(_x.Mean / _k) : 1.0;
        MatrixView h = _ws.Of(_ws.HView, r);
        for (int c = 0; c < _k; c++)
        {
            Span<float> row = h.Row(c);
            for (int j = 0; j < row.Length; j++)
            {
                row[j] = (float)(rng.NextDouble() * scale);
            }
        }

        MatrixView w = _ws.Of(_ws.WView, r);
        for (int c = 0; c < _k; c++)
        {
            Span<float> row = w.Row(c);
            for (int u = 0; u < row.Length; u++)
            {
                row[u] = _options.Method == NmfMethod.Mu ? (float)(rng.NextDouble() * scale) : 0f;
            }
        }

        Kernels.Products.Gram(h, _ws.GramH[r]);
    }

    private void UpdateW(int count, int rows)
    {
        // A = H·X, i.e. (X Hᵀ)ᵀ, for every restart in one pass over X.
        long t = Stopwatch.GetTimestamp();
        _xop.MultiplyHX(_ws.HView.RowSlice(0, rows), _ws.AView.RowSlice(0, rows));
        t = _times.Add(PhaseTimes.Phase.ProductHX, t);
        RunStep(Step.SolveW, count);
        t = _times.Add(PhaseTimes.Phase.SolveW, t);
        if (_options.Method != NmfMethod.Mu)
        {
            // Step 4 for all components of all active restarts at once.
            _constrainW.W = _ws.WNextView;
            _constrainW.Select(_active.AsSpan(0, count), _k);
            _team.Run(_constrainW, _constrainW.Count);
        }

        t = _times.Add(PhaseTimes.Phase.ConstrainW, t);

        for (int r = 0; r < count; r++)
        {
            if (_active[r])
            {
                ReseedDeadRows(r, _ws.Of(_ws.WNextView, r));
            }
        }

        _ws.SwapW();
        _times.Add(PhaseTimes.Phase.SolveW, t);
    }

    private void UpdateH(int count, int rows)
    {
        // B = W·Xᵀ, i.e. WᵀX, for every restart in the second pass over X.
        long t = Stopwatch.GetTimestamp();
        _xop.MultiplyWX(_ws.WView.RowSlice(0, rows), _ws.BView.RowSlice(0, rows));
        t = _times.Add(PhaseTimes.Phase.ProductWX, t);
        RunStep(Step.SolveH, count);
        t = _times.Add(PhaseTimes.Phase.SolveH, t);
        RunStep(Step.ConstrainH, count);
        t = _times.Add(PhaseTimes.Phase.ConstrainH, t);
        _ws.SwapH();
        _times.Add(PhaseTimes.Phase.SolveH, t);
    }

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

    // A component whose diffraction became all zero (or non-finite) can never come back under ALS or MU; give it a
    // fresh random diffraction of unit L1 norm from the restart's own stream, counted in the restart's summary.
    private void ReseedDeadRows(int r, MatrixView w)
    {
        for (int c = 0; c < _k; c++)
        {
            Span<float> row = w.Row(c);
            float norm = TensorPrimitives.SumOfMagnitudes(row);
            if (norm > 0 && float.IsFinite(norm))
            {
                continue;
            }

            for (int u = 0; u < row.Length; u++)
            {
                row[u] = (float)_rng[r].NextDouble();
            }

            TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
            _reseeds[r]++;
        }
    }

    private static void CopyRows(MatrixView from, MatrixView to)
    {
        for (int c = 0; c < from.Rows; c++)
        {
            from.Row(c).CopyTo(to.Row(c));
        }
    }

    private static double L1Difference(MatrixView a, MatrixView b)
    {
        double total = 0;
        for (int r = 0; r < a.Rows; r++)
        {
            total += DoubleReductions.L1Distance(a.Row(r), b.Row(r));
        }

        return total;
    }

    private static double L1(MatrixView a)
    {
        double total = 0;
        for (int r = 0; r < a.Rows; r++)
        {
            total += TensorPrimitives.SumOfMagnitudes(a.Row(r));
        }

        return total;
    }

    // What one thread needs for its restarts' k×k solves and map convolutions.
    private sealed class PartScratch(int k, MapSmoothing? smoothing)
    {
        public double[] Inverse { get; } = new double[k * k];

        public double[] Factor { get; } = new double[k * k];

        public MapSmoothing? Smoothing { get; } = smoothing;
    }
}
