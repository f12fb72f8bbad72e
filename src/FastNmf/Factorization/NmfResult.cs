using FastNmf.Data;

namespace FastNmf;

/// <summary>
/// The kept factorization. Components are sorted by the L2 norm of their map (Step 9), largest first. Each diffraction
/// (column of W) is normalised to unit L1 norm over the unmasked pixels, so a map value is the number of counts
/// (electrons) that component contributes at that scan position; WH is unchanged by this choice.
/// </summary>
public sealed class NmfResult
{
    private NmfModel? _model;

    internal NmfResult(NmfOptions options, float[] w, float[] h, int scanRows, int scanCols, int detRows, int detCols,
        IReadOnlyList<RestartSummary> restarts, int chosen, IterationHistory history, string backend, string kernels, int threads, TimeSpan elapsed)
    {
        Options = options;
        W = w;
        H = h;
        ScanRows = scanRows;
        ScanCols = scanCols;
        DetRows = detRows;
        DetCols = detCols;
        Restarts = restarts;
        ChosenRestart = chosen;
        History = history;
        Backend = backend;
        Kernels = kernels;
        Threads = threads;
        Elapsed = elapsed;
    }

    /// <summary>The options the run used.</summary>
    public NmfOptions Options { get; }

    /// <summary>n_k.</summary>
    public int Components => Options.Components;

    /// <summary>Diffractions, <c>k × DetRows × DetCols</c> row-major; masked pixels are 0.</summary>
    public float[] W { get; }

    /// <summary>Maps, <c>k × ScanRows × ScanCols</c> row-major.</summary>
    public float[] H { get; }

    /// <summary>Scan rows.</summary>
    public int ScanRows { get; }

    /// <summary>Scan columns.</summary>
    public int ScanCols { get; }

    /// <summary>Detector rows.</summary>
    public int DetRows { get; }

    /// <summary>Detector columns.</summary>
    public int DetCols { get; }

    /// <summary>Every restart's outcome.</summary>
    public IReadOnlyList<RestartSummary> Restarts { get; }

    /// <summary>Index of the kept restart (lowest final MSE).</summary>
    public int ChosenRestart { get; }

    /// <summary>Final MSE of the kept restart.</summary>
    public double Mse => Restarts[ChosenRestart].FinalMse;

    /// <summary>Monitoring values of the kept restart.</summary>
    public IterationHistory History { get; }

    /// <summary>Monitoring values of every restart, index = restart (<c>RestartHistories[ChosenRestart]</c> is
    /// <see cref="History"/>); each holds <see cref="RestartSummary.Iterations"/> entries.</summary>
    public IReadOnlyList<IterationHistory> RestartHistories { get; internal init; } = [];

    /// <summary>The kernel backend that ran the products ("managed" when no native library was used).</summary>
    public string Backend { get; }

    /// <summary>Backend and kernel implementations used, one line.</summary>
    public string Kernels { get; }

    /// <summary>How X was stored for the products.</summary>
    public XStorage Storage { get; internal init; }

    /// <summary>Restarts that advanced together (one pass over X served all of them).</summary>
    public int Batch { get; internal init; } = 1;

    /// <summary>Wall time per phase of the run (setup, the two products, solves, constraints, monitoring).</summary>
    public PhaseTimes Phases { get; internal init; } = new();

    /// <summary>How detector frames map onto W's rows: the detector, the pixels kept, the pattern centre.</summary>
    public PixelMap Pixels { get; internal init; } = null!;

    /// <summary>The scan rows whose maps <see cref="H"/> holds (the whole scan in one process; a rank's slab in a
    /// distributed run, where W and the monitoring are the same on every rank).</summary>
    public ScanSlab Slab { get; internal init; } = null!;

    /// <summary>The fitted model: this result's W, pixel map and map constraint, ready to project new frames
    /// (<see cref="NmfModel.CreateProjector"/>, <see cref="NmfModel.Project(Data.UnfoldedData, int)"/>).</summary>
    public NmfModel Model => _model ??= NmfModel.FromResult(this);

    /// <summary>The run plan the factorization used (storage, restarts per pass, memory).</summary>
    public RunPlan Plan { get; internal init; } = null!;

    /// <summary>Statistics of X over the whole scan.</summary>
    public XStatistics Statistics { get; internal init; } = null!;

    /// <summary>The processes that ran it ("one process", or the communicator's description).</summary>
    public string Communicator { get; internal init; } = "one process";

    /// <summary>What the iterations communicated on this rank (a distributed run), or null (one process).</summary>
    public RunCommunication? Communication { get; internal init; }

    /// <summary>The factorization of the binned scan this result was warm-started from
    /// (<see cref="NmfOptions.CoarseScan"/>: its restarts, its trial, its kept restart and history), or null.
    /// <see cref="Restarts"/> and <see cref="History"/> are then the full-resolution stage's: one restart of
    /// <see cref="NmfOptions.FineIterations"/>.</summary>
    public NmfResult? CoarseStage { get; private init; }

    /// <summary>Threads used.</summary>
    public int Threads { get; }

    /// <summary>Wall time of the whole run (all restarts).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>This result with the maps of the whole scan (gathered from every rank's slab, see
    /// <see cref="Data.SlabGather"/>) in place of this rank's.</summary>
    /// <exception cref="ArgumentException"><paramref name="h"/> is not k × (whole scan).</exception>
    public NmfResult WithWholeScan(float[] h)
    {
        ArgumentNullException.ThrowIfNull(h);
        if (h.LongLength != (long)Components * Slab.TotalFrames)
        {
            throw new ArgumentException($"the whole scan's maps are {Components} × {Slab.TotalFrames} values, got {h.LongLength}.", nameof(h));
        }

        return Copy(Options, h, ScanSlab.Whole(Slab.ScanRows, Slab.ScanCols), Elapsed, CoarseStage);
    }

    // The fine stage's result as the whole run's: the options asked for, the coarse stage, the wall time of both.
    internal NmfResult AfterCoarseStage(NmfOptions options, NmfResult coarse, TimeSpan elapsed) => Copy(options, H, Slab, elapsed, coarse);

    // This result with other options, maps (slab's rows of the scan), wall time and coarse stage; everything else the same.
    private NmfResult Copy(NmfOptions options, float[] h, ScanSlab slab, TimeSpan elapsed, NmfResult? coarse) =>
        new(options, W, h, slab.Rows, ScanCols, DetRows, DetCols, Restarts, ChosenRestart, History, Backend, Kernels, Threads, elapsed)
        {
            Storage = Storage,
            Batch = Batch,
            RestartHistories = RestartHistories,
            Phases = Phases,
            Pixels = Pixels,
            Slab = slab,
            Statistics = Statistics,
            Communicator = Communicator,
            Communication = Communication,
            Plan = Plan,
            CoarseStage = coarse,
        };

    /// <summary>Diffraction of component <paramref name="c"/>.</summary>
    public ReadOnlySpan<float> Diffraction(int c) => W.AsSpan(c * DetRows * DetCols, DetRows * DetCols);

    /// <summary>Map of component <paramref name="c"/>.</summary>
    public ReadOnlySpan<float> Map(int c) => H.AsSpan(c * ScanRows * ScanCols, ScanRows * ScanCols);
}
