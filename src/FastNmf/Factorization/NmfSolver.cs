using System.Numerics.Tensors;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.SmallSolve;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;
using FastNmf.Numerics;

namespace FastNmf.Factorization;

/// <summary>
/// Runs restarts of one factorization on a shared workspace. Storage is transposed relative to the paper (W as
/// k × n_uv, X frame-major), so Eq. 7 reads <c>Wᵀ = (HHᵀ)⁻¹ (H X)</c> and Eq. 8 <c>H = (WWᵀ)⁻¹ (W Xᵀ)</c> in these
/// terms. Nothing inside <see cref="RunRestart"/>'s iteration loop allocates.
/// </summary>
internal sealed unsafe class NmfSolver
{
    private readonly UnfoldedData _x;
    private readonly NmfOptions _options;
    private readonly SolverWorkspace _ws;
    private readonly WorkerTeam _team;
    private readonly ProductWork _work;
    private readonly DarkSpotFill? _darkSpots;
    private readonly MapSmoothing? _smoothing;
    private readonly bool _identityMask;
    private readonly int _k;
    private readonly double _elements;
    private SeededRandom _rng = new(0);
    private int _ridgeSolves;
    private double _maxRidge;
    private int _reseeds;

    public NmfSolver(UnfoldedData x, NmfOptions options, KernelSet kernels, SolverWorkspace workspace, WorkerTeam team)
    {
        _x = x;
        _options = options;
        _ws = workspace;
        _team = team;
        _k = options.Components;
        _elements = (double)x.NUv * x.NXy;
        _work = new ProductWork(kernels.Products);
        _identityMask = x.NUv == x.DetRows * x.DetCols;
        if (options.Method == NmfMethod.Constrained && options.DiffractionConstraint == DiffractionConstraint.DarkSpotFill)
        {
            _darkSpots = DarkSpotFill.Create(x.DetRows, x.DetCols, x.MaskedPixels(), options.Polar, kernels.Polar);
        }

        if (options.Method == NmfMethod.Constrained && options.MapConstraint == MapConstraint.Convolution)
        {
            _smoothing = new MapSmoothing(options.MapKernel, x.ScanRows, x.ScanCols, kernels.Convolution);
        }

        Kernels = kernels;
    }

    public KernelSet Kernels { get; }

    /// <summary>Runs restart <paramref name="restart"/> from <paramref name="seed"/>; leaves W and H in the workspace.</summary>
    public RestartSummary RunRestart(int restart, ulong seed, IterationHistory history, Action<IterationStats>? progress, CancellationToken cancel)
    {
        _rng = new SeededRandom(seed);
        _ridgeSolves = 0;
        _maxRidge = 0;
        _reseeds = 0;
        Initialise();
        double mse = double.NaN;
        int done = 0;
        for (int i = 0; i < _options.Iterations; i++)
        {
            cancel.ThrowIfCancellationRequested();
            double deltaW = UpdateW();
            double deltaH = UpdateH();
            mse = Mse();
            if (!double.IsFinite(mse) || !double.IsFinite(deltaW) || !double.IsFinite(deltaH))
            {
                throw new ArithmeticException($"numerical breakdown in restart {restart} at iteration {i} (MSE {mse}); the data may be degenerate.");
            }

            var stats = new IterationStats(restart, i, mse, deltaW, deltaH);
            history.Record(stats);
            progress?.Invoke(stats);
            done = i + 1;
            if (_options.Tolerance is { } tol && deltaW <= tol * L1(_ws.WView) && deltaH <= tol * L1(_ws.HView))
            {
                break;
            }
        }

        return new RestartSummary(restart, seed, mse, done, _ridgeSolves, _maxRidge, _reseeds);
    }

    // Step 2: random nonnegative H (and W for MU, which updates both multiplicatively), scaled like scikit-learn's
    // random init so that WH starts near the data's magnitude.
    private void Initialise()
    {
        double scale = _x.Mean > 0 ? Math.Sqrt(_x.Mean / _k) : 1.0;
        MatrixView h = _ws.HView;
        for (int c = 0; c < _k; c++)
        {
            Span<float> row = h.Row(c);
            for (int j = 0; j < row.Length; j++)
            {
                row[j] = (float)(_rng.NextDouble() * scale);
            }
        }

        MatrixView w = _ws.WView;
        for (int c = 0; c < _k; c++)
        {
            Span<float> row = w.Row(c);
            for (int u = 0; u < row.Length; u++)
            {
                row[u] = _options.Method == NmfMethod.Mu ? (float)(_rng.NextDouble() * scale) : 0f;
            }
        }

        Kernels.Products.Gram(h, _ws.GramH);
    }

    private double UpdateW()
    {
        MatrixView w = _ws.WView;
        MatrixView next = _ws.WNextView;
        MatrixView a = _ws.AView;

        // A = H·X, i.e. (X Hᵀ)ᵀ, one pass over X.
        _ws.A.Clear();
        _work.HX.H = _ws.HView;
        _work.HX.X = _x.Frames;
        _work.HX.Acc = a;
        _team.Run(_work.HX, ProductWork.Chunks(_x.NUv));

        if (_options.Method == NmfMethod.Mu)
        {
            // Eq. 3: W ← W ⊛ XHᵀ ⊘ (W HHᵀ); in our layout the denominator is (HHᵀ)·Wᵀ.
            MultiplySmall(_ws.GramH, w, _ws.DView);
            MatrixView d = _ws.DView;
            for (int c = 0; c < _k; c++)
            {
                Span<float> dc = d.Row(c);
                TensorPrimitives.Add(dc, _options.MuEpsilon, dc);
                TensorPrimitives.Divide(a.Row(c), dc, dc);
                TensorPrimitives.Multiply(w.Row(c), dc, next.Row(c));
            }
        }
        else
        {
            // Eq. 5 / Eq. 7: Wᵀ = (HHᵀ)⁻¹ (H X).
            Solve(_ws.GramH, a, next);
            ConstrainW(next);
        }

        ReseedDeadRows(next);
        double delta = L1Difference(next, w);
        _ws.SwapW();
        return delta;
    }

    private double UpdateH()
    {
        MatrixView w = _ws.WView;
        MatrixView h = _ws.HView;
        MatrixView next = _ws.HNextView;
        MatrixView b = _ws.BView;

        // B = W·Xᵀ, i.e. WᵀX, the second pass over X.
        _work.WX.W = w;
        _work.WX.X = _x.Frames;
        _work.WX.Dst = b;
        _team.Run(_work.WX, _x.NXy, 16);
        Kernels.Products.Gram(w, _ws.GramW);

        if (_options.Method == NmfMethod.Mu)
        {
            // Eq. 4: H ← H ⊛ WᵀX ⊘ (WᵀW H).
            MatrixView e = _ws.EView;
            MultiplySmall(_ws.GramW, h, e);
            for (int c = 0; c < _k; c++)
            {
                Span<float> ec = e.Row(c);
                TensorPrimitives.Add(ec, _options.MuEpsilon, ec);
                TensorPrimitives.Divide(b.Row(c), ec, ec);
                TensorPrimitives.Multiply(h.Row(c), ec, next.Row(c));
            }
        }
        else
        {
            // Eq. 6 / Eq. 8: H = (WᵀW)⁻¹ (WᵀX).
            Solve(_ws.GramW, b, next);
            ConstrainH(next);
        }

        double delta = L1Difference(next, h);
        _ws.SwapH();
        Kernels.Products.Gram(_ws.HView, _ws.GramH);
        return delta;
    }

    // MSE = (‖X‖² − 2 tr(Wᵀ X Hᵀ) + tr(WᵀW · HHᵀ)) / (n_uv n_xy), all in double; B = W·Xᵀ already holds the cross term.
    private double Mse()
    {
        MatrixView b = _ws.BView;
        MatrixView h = _ws.HView;
        double cross = 0;
        for (int c = 0; c < _k; c++)
        {
            float* bc = b.RowPointer(c);
            float* hc = h.RowPointer(c);
            double s = 0;
            for (int j = 0; j < b.Cols; j++)
            {
                s += (double)bc[j] * hc[j];
            }

            cross += s;
        }

        double quad = 0;
        for (int i = 0; i < _k * _k; i++)
        {
            quad += _ws.GramW[i] * _ws.GramH[i];
        }

        return Math.Max(0, (_x.SumOfSquares - (2 * cross) + quad) / _elements);
    }

    private void Solve(double[] gram, MatrixView rhs, MatrixView dst)
    {
        double ridge = CholeskyInverse.Invert(gram, _ws.Inverse, _ws.Factor, _k);
        if (ridge > 0)
        {
            _ridgeSolves++;
            _maxRidge = Math.Max(_maxRidge, ridge);
        }

        MultiplySmall(_ws.Inverse, rhs, dst);
    }

    private void MultiplySmall(double[] m, MatrixView src, MatrixView dst)
    {
        _work.Small.M = m;
        _work.Small.Src = src;
        _work.Small.Dst = dst;
        _team.Run(_work.Small, ProductWork.Chunks(src.Cols), 4);
    }

    // Step 4: [·]₊ or [·]_W, then each diffraction normalised to unit L1 norm. For primitive ALS the normalisation
    // changes nothing in exact arithmetic (Eq. 6 absorbs the scale and [·]₊ commutes with positive scaling), but it keeps
    // WᵀW well scaled when a component is dying.
    private void ConstrainW(MatrixView w)
    {
        DiffractionConstraint kind = _options.Method == NmfMethod.Constrained ? _options.DiffractionConstraint : DiffractionConstraint.NonNegative;
        for (int c = 0; c < _k; c++)
        {
            Span<float> row = w.Row(c);
            if (kind != DiffractionConstraint.None)
            {
                TensorPrimitives.Max(row, 0f, row);
            }

            if (kind == DiffractionConstraint.DarkSpotFill)
            {
                if (_identityMask)
                {
                    _darkSpots!.Apply(row);
                }
                else
                {
                    _x.ScatterRow(row, _ws.Image);
                    _darkSpots!.Apply(_ws.Image);
                    _x.GatherRow(_ws.Image, row);
                }
            }

            float norm = TensorPrimitives.SumOfMagnitudes(row);
            if (norm > 0 && float.IsFinite(norm))
            {
                TensorPrimitives.Divide(row, norm, row);
            }
        }
    }

    // Step 6: [·]₊ or [·]_H (convolution, then [·]₊).
    private void ConstrainH(MatrixView h)
    {
        MapConstraint kind = _options.Method == NmfMethod.Constrained ? _options.MapConstraint : MapConstraint.NonNegative;
        var all = new Span<float>(h.Data, _k * h.Cols);
        if (kind == MapConstraint.Convolution)
        {
            var scratch = new Span<float>(_ws.EView.Data, _k * h.Cols);
            _smoothing!.Convolve(all, scratch, _k);
            TensorPrimitives.Max(scratch, 0f, all);
        }
        else if (kind == MapConstraint.NonNegative)
        {
            TensorPrimitives.Max(all, 0f, all);
        }
    }

    // A component whose diffraction became all zero (or non-finite) can never come back under ALS or MU; give it a
    // fresh random diffraction of unit L1 norm, counted in the restart's summary.
    private void ReseedDeadRows(MatrixView w)
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
                row[u] = (float)_rng.NextDouble();
            }

            TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
            _reseeds++;
        }
    }

    private static double L1Difference(MatrixView a, MatrixView b)
    {
        double total = 0;
        for (int r = 0; r < a.Rows; r++)
        {
            float* pa = a.RowPointer(r);
            float* pb = b.RowPointer(r);
            double s = 0;
            for (int i = 0; i < a.Cols; i++)
            {
                s += Math.Abs(pa[i] - pb[i]);
            }

            total += s;
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

    /// <summary>Copies the workspace's W and H (unpadded) into the best-so-far buffers.</summary>
    public void KeepAsBest()
    {
        for (int c = 0; c < _k; c++)
        {
            _ws.WView.Row(c).CopyTo(_ws.BestW.AsSpan(c * _ws.NUv, _ws.NUv));
            _ws.HView.Row(c).CopyTo(_ws.BestH.AsSpan(c * _ws.NXy, _ws.NXy));
        }
    }
}
