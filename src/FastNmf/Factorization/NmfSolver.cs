using System.Diagnostics;
using System.Numerics.Tensors;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.Kernels;
using FastNmf.Kernels.Reductions;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;
using FastNmf.Numerics;
using FastNmf.Storage;

namespace FastNmf.Factorization;

/// <summary>
/// Runs a batch of restarts together on one workspace: one pass over X per product serves every restart (their
/// components stacked as rows), everything else — solves, constraints, re-seeding, MSE, early stop — is per restart with
/// its own random streams, so a restart's result does not depend on the batch it ran in. Storage is transposed relative
/// to the paper (W as k × n_uv, X frame-major), so Eq. 7 reads <c>Wᵀ = (HHᵀ)⁻¹ (H X)</c> and Eq. 8
/// <c>H = (WWᵀ)⁻¹ (W Xᵀ)</c> here. Nothing inside the iteration loop allocates.
/// </summary>
/// <remarks>
/// <para>Each iteration is local work → reduce → identical replicated k×k work. This process holds a slab of scan rows
/// (all of them in one process): its frames of X and its columns of H. W, the k×k matrices, the constraints on W and
/// every decision are replicated: computed identically on every rank from reduced values. The sums over scan positions
/// — H·X, HHᵀ, the MSE's cross term, ‖ΔH‖₁, ‖H‖₁ — are formed per canonical frame block and folded exactly
/// (<see cref="SolverReduction"/>), so W and H are bit-identical however the scan is split. [·]_H's convolution reads
/// the neighbouring slabs' edge rows (<see cref="MapHalo"/>).</para>
/// <para>The per-restart steps between the two products (solves, [·]_H, monitoring) run restart-parallel when the batch
/// has at least as many restarts as there are threads; with fewer, restart by restart with the column-wise k×k products
/// split over the team. The block partials run over (restart, block) pairs on the team, each thread folding into its
/// own accumulators. The bits do not depend on any of these partitions.</para>
/// </remarks>
internal sealed unsafe partial class NmfSolver : ITeamWork, IDisposable
{
    // Streams of a restart's seed: its initial H (by scan position), its initial W (MU), its re-seeding.
    private const ulong InitialHStream = 1;
    private const ulong InitialWStream = 2;
    private const ulong ReseedStream = 3;

    private readonly UnfoldedData _x;
    private readonly NmfOptions _options;
    private readonly SolverWorkspace _ws;
    private readonly WorkerTeam _team;
    private readonly IXOperand _xop;
    private readonly Communicator _comm;
    private readonly XStatistics _stats;
    private readonly (int Start, int Count)[] _blocks;
    private readonly SolverReduction _reduction;
    private readonly BlockWork _blockWork;
    private readonly ProductsSmallWork _small;
    private readonly ConstrainWWork _constrainW;
    private readonly SymmetricShareWork? _shares;
    private readonly MapHalo? _halo;
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
    private readonly double[] _l1H;
    private readonly int[] _restartOf;
    private readonly ulong[] _seedOf;
    private readonly PhaseTimes _times;
    private Step _step;
    private bool _teamInside;
    private bool _monitor;
    private CancellationToken _cancel;
    private string? _setupProblem;

    public NmfSolver(SolverSetup setup)
    {
        _x = setup.X;
        _options = setup.Options;
        _ws = setup.Workspace;
        _team = setup.Team;
        _xop = setup.Operand;
        _comm = setup.Communicator;
        _stats = setup.Statistics;
        _blocks = setup.Blocks;
        _times = setup.Times;
        Kernels = setup.Kernels;
        _k = _options.Components;
        _elements = (double)_stats.Pixels * _stats.Frames;
        int batch = _ws.Batch;
        _reduction = new SolverReduction(_k, batch, _xop.AccumulatorLength(_ws.Rows), _stats.Frames, setup.TotalBlocks);
        _blockWork = new BlockWork(this, _team.Threads, batch);
        _small = new ProductsSmallWork(Kernels.Products);
        DiffractionConstraint kind = _options.Method == NmfMethod.Constrained ? _options.DiffractionConstraint : DiffractionConstraint.NonNegative;
        _constrainW = new ConstrainWWork(_x.Pixels, kind, _options.Polar, Kernels, _team.Threads, _ws.Rows);
        _shares = _options.RemoveAmorphousShare && kind == DiffractionConstraint.DarkSpotFill
            ? new SymmetricShareWork(_constrainW, _team.Threads, _ws.Rows, _x.Pixels.KeptCount)
            : null;
        bool smooth = _options.Method == NmfMethod.Constrained && _options.MapConstraint == MapConstraint.Convolution;
        ScanSlab slab = _x.Slab;
        try
        {
            _parts = Enumerable.Range(0, _team.Threads)
                .Select(_ => new PartScratch(_k, smooth ? new MapSmoothing(_options.MapKernel, slab.ScanRows, slab.ScanCols, slab.FirstRow, slab.Rows, Kernels.Convolution) : null))
                .ToArray();
        }
        catch (ArgumentException e)
        {
            // The kernel reaches past the neighbouring rows: reported to every rank by SetupProblem, so none waits.
            _setupProblem = e.Message;
            _parts = Enumerable.Range(0, _team.Threads).Select(_ => new PartScratch(_k, null)).ToArray();
        }

        if (smooth && _parts[0].Smoothing is { } geometry)
        {
            var halo = new MapHalo(geometry, _comm, _k, batch);
            _halo = halo.Any ? halo : null;
            _setupProblem ??= halo.Problem;
        }

        _rng = new SeededRandom[batch];
        _active = new bool[batch];
        _ridgeSolves = new int[batch];
        _maxRidge = new double[batch];
        _reseeds = new int[batch];
        _mse = new double[batch];
        _done = new int[batch];
        _deltaW = new double[batch];
        _deltaH = new double[batch];
        _l1H = new double[batch];
        _restartOf = new int[batch];
        _seedOf = new ulong[batch];
    }

    // The per-restart steps of an iteration, run by RunStep.
    private enum Step
    {
        SolveW,
        SolveH,
        ConstrainH,
        Finish,
    }

    public KernelSet Kernels { get; }

    /// <summary>Why this rank's slab cannot take part (e.g. thinner than the map kernel reads across its edges), or null.</summary>
    public string? SetupProblem => _setupProblem;

    /// <summary>
    /// Runs restarts <paramref name="first"/> .. first + seeds.Length − 1 together, for every iteration or, with
    /// <paramref name="stopAfter"/>, the first that many (then <see cref="Save"/> and <see cref="Continue"/> take them
    /// on); leaves their W and H in the workspace (restart <c>first + r</c> in slot r).
    /// </summary>
    public RestartSummary[] RunBatch(int first, ReadOnlySpan<ulong> seeds, IterationHistory[] histories, Action<IterationStats>? progress, CancellationToken cancel, int? stopAfter = null)
    {
        int count = seeds.Length;
        if (count < 1 || count > _ws.Batch)
        {
            throw new ArgumentOutOfRangeException(nameof(seeds), $"a batch holds 1 to {_ws.Batch} restarts, got {count}.");
        }

        for (int r = 0; r < count; r++)
        {
            _restartOf[r] = first + r;
            _seedOf[r] = seeds[r];
            _rng[r] = new SeededRandom(SeededRandom.Derive(seeds[r], ReseedStream));
            _active[r] = true;
            _ridgeSolves[r] = 0;
            _maxRidge[r] = 0;
            _reseeds[r] = 0;
            _mse[r] = double.NaN;
            _done[r] = 0;
            Initialise(r, seeds[r], first + r == 0);
        }

        return Advance(count, 0, Math.Min(stopAfter ?? _options.Iterations, _options.Iterations), histories, progress, cancel);
    }

    // Iterations [from, to) of the restarts in slots [0, count): the reductions of the current H first (H·X and HHᵀ for
    // the first W-step), then each iteration's W-step, H-step and reductions.
    private RestartSummary[] Advance(int count, int from, int to, IterationHistory[] histories, Action<IterationStats>? progress, CancellationToken cancel)
    {
        int rows = count * _k;
        _cancel = cancel;
        Reduce(count, rows, monitor: false, withHX: true);
        for (int i = from; i < to; i++)
        {
            // One process stops before the next iteration; ranks agree to stop at the next reduction (Reduce).
            if (_comm.Size == 1)
            {
                cancel.ThrowIfCancellationRequested();
            }

            UpdateW(count);
            UpdateH(count, rows);
            Reduce(count, rows, monitor: true, withHX: i + 1 < to);
            long t = Stopwatch.GetTimestamp();
            int stillActive = 0;
            for (int r = 0; r < count; r++)
            {
                if (!_active[r])
                {
                    continue;
                }

                Record(r, i, histories[r], progress);
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
            summaries[r] = new RestartSummary(_restartOf[r], _seedOf[r], _mse[r], _done[r], _ridgeSolves[r], _maxRidge[r], _reseeds[r]);
        }

        return summaries;
    }

    /// <summary>Copies restart slot <paramref name="r"/>'s W and H (unpadded) and its ‖h_c‖₂² into the best-so-far buffers.</summary>
    public void KeepAsBest(int r)
    {
        MatrixView w = _ws.Of(_ws.WView, r);
        MatrixView h = _ws.Of(_ws.HView, r);
        for (int c = 0; c < _k; c++)
        {
            w.Row(c).CopyTo(_ws.BestW.AsSpan(c * _ws.NUv, _ws.NUv));
            h.Row(c).CopyTo(_ws.BestH.AsSpan(c * _ws.NXy, _ws.NXy));
            _ws.BestGramDiagonal[c] = _ws.GramH[r][(c * _k) + c];
        }
    }

    public void Dispose() => _reduction.Dispose();

    // Step 2: random nonnegative H (and W for MU, which updates both multiplicatively), scaled like scikit-learn's
    // random init so that WH starts near the data's magnitude. H is drawn by scan position (CounterRandom), so every
    // rank fills its own columns with the values the one-process run has there. Restart 0 may start from the caller's
    // factors instead (NmfOptions.InitialW / InitialH).
    private void Initialise(int r, ulong seed, bool warm)
    {
        double scale = _stats.Mean > 0 ? Math.Sqrt(_stats.Mean / _k) : 1.0;
        MatrixView h = _ws.Of(_ws.HView, r);
        MatrixView w = _ws.Of(_ws.WView, r);
        ulong hKey = CounterRandom.Key(seed, InitialHStream);
        ulong wKey = CounterRandom.Key(seed, InitialWStream);
        ulong total = (ulong)_stats.Frames, firstFrame = (ulong)_x.Slab.FirstFrame;
        for (int c = 0; c < _k; c++)
        {
            Span<float> row = h.Row(c);
            for (int j = 0; j < row.Length; j++)
            {
                row[j] = (float)(CounterRandom.Uniform(hKey, ((ulong)c * total) + firstFrame + (ulong)j) * scale);
            }

            Span<float> wr = w.Row(c);
            for (int u = 0; u < wr.Length; u++)
            {
                wr[u] = _options.Method == NmfMethod.Mu ? (float)(CounterRandom.Uniform(wKey, ((ulong)c * (ulong)wr.Length) + (ulong)u) * scale) : 0f;
            }
        }

        if (warm && (_options.InitialW is not null || _options.InitialH is not null))
        {
            WarmStart(r);
        }
    }

    // Restart 0 from the caller's factors: H's columns of this slab as given; W as given (kept pixels); with W alone,
    // H from one H-step on it (Eq. 8 and [·]_H, as in every iteration).
    private void WarmStart(int r)
    {
        MatrixView h = _ws.Of(_ws.HView, r);
        MatrixView w = _ws.Of(_ws.WView, r);
        if (_options.InitialW is { } initialW)
        {
            for (int c = 0; c < _k; c++)
            {
                initialW.AsSpan(c * _x.NUv, _x.NUv).CopyTo(w.Row(c));
            }
        }

        if (_options.InitialH is { } initialH)
        {
            long total = _stats.Frames;
            for (int c = 0; c < _k; c++)
            {
                initialH.AsSpan(checked((int)((c * total) + _x.Slab.FirstFrame)), _x.NXy).CopyTo(h.Row(c));
            }

            return;
        }

        _xop.MultiplyWX(w, _ws.Of(_ws.BView, r));
        _teamInside = true;
        SolveH(r, _parts[0]);
        _halo?.Exchange(_ws.Of(_ws.HNextView, r), 1);
        ConstrainH(r, _ws.Of(_ws.HNextView, r), _parts[0]);
        for (int c = 0; c < _k; c++)
        {
            _ws.Of(_ws.HNextView, r).Row(c).CopyTo(h.Row(c));
        }
    }

    private void UpdateW(int count)
    {
        // A = H·X (the paper's (X Hᵀ)ᵀ) is the last reduction's: every restart's, over the whole scan.
        long t = Stopwatch.GetTimestamp();
        RunStep(Step.SolveW, count);
        t = _times.Add(PhaseTimes.Phase.SolveW, t);
        if (_options.Method != NmfMethod.Mu)
        {
            // Step 4 for all components of all active restarts at once.
            _constrainW.W = _ws.WNextView;
            _constrainW.Select(_active.AsSpan(0, count), _k);
            _team.Run(_constrainW, _constrainW.Count);
            _shares?.Run(_k, _team);
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
        // B = W·Xᵀ, i.e. WᵀX, for every restart in the second pass over X (this rank's frames: no reduction).
        long t = Stopwatch.GetTimestamp();
        _xop.MultiplyWX(_ws.WView.RowSlice(0, rows), _ws.BView.RowSlice(0, rows));
        t = _times.Add(PhaseTimes.Phase.ProductWX, t);
        RunStep(Step.SolveH, count);
        t = _times.Add(PhaseTimes.Phase.SolveH, t);
        if (_halo is not null)
        {
            _halo.Exchange(_ws.HNextView.RowSlice(0, rows), count);
            t = _times.Add(PhaseTimes.Phase.Reduce, t);
        }

        RunStep(Step.ConstrainH, count);
        t = _times.Add(PhaseTimes.Phase.ConstrainH, t);
        _ws.SwapH();
        _times.Add(PhaseTimes.Phase.SolveH, t);
    }

    // The reductions after an H-step (or the initial H): bounds by max; then this rank's block partials of H·X (for the
    // next W-step, unless this was the last iteration) and, per restart, of HHᵀ and Step 7's sums, reduced by one sum;
    // then each restart's replicated arithmetic on the reduced values.
    private void Reduce(int count, int rows, bool monitor, bool withHX)
    {
        long t = Stopwatch.GetTimestamp();
        _monitor = monitor;
        _reduction.ClearBounds();
        _blockWork.RunBounds(count);
        t = _times.Add(PhaseTimes.Phase.Monitor, t);
        if (_cancel.IsCancellationRequested)
        {
            _reduction.RequestStop();
        }

        _comm.AllreduceMax(_reduction.BoundsAndStop);
        t = _times.Add(PhaseTimes.Phase.Reduce, t);
        if (_reduction.StopRequested)
        {
            // Cancelled here or on another rank: every rank stops at this iteration.
            _cancel.ThrowIfCancellationRequested();
            throw new OperationCanceledException("the run was cancelled on another rank.");
        }

        _reduction.PrepareGrids(count);
        if (withHX)
        {
            _xop.AccumulateHX(_ws.HView.RowSlice(0, rows), _reduction.ComponentPower, _reduction.Accumulators);
            t = _times.Add(PhaseTimes.Phase.ProductHX, t);
        }

        _blockWork.RunPartials(count);
        t = _times.Add(PhaseTimes.Phase.Monitor, t);
        _comm.AllreduceSum(_reduction.Sums(count, withHX));
        t = _times.Add(PhaseTimes.Phase.Reduce, t);
        if (withHX)
        {
            _xop.FinishHX(_reduction.Accumulators, _ws.AView.RowSlice(0, rows));
            t = _times.Add(PhaseTimes.Phase.ProductHX, t);
        }

        RunStep(Step.Finish, count);
        _times.Add(PhaseTimes.Phase.Monitor, t);
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
