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
internal sealed unsafe partial class NmfSolver : ITeamWork
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
}
