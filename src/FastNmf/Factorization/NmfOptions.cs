using FastNmf.Constraints;

namespace FastNmf;

/// <summary>
/// Parameters of a factorization. The defaults are the paper's protocol — constrained method, both domain constraints,
/// the 3×3 Gaussian map kernel of a 2 nm probe at 1.5 nm steps (Fig. 5a), 500 iterations, 10 restarts, no early stop —
/// with one step added after [·]_W, <see cref="RemoveAmorphousShare"/> (false gives the paper's plain protocol).
/// </summary>
public sealed record NmfOptions
{
    /// <summary>The paper's map kernel: Gaussian, probe FWHM 2 nm, scan step 1.5 nm → 3×3.</summary>
    public static ConvolutionKernel PaperMapKernel { get; } = ConvolutionKernel.FromProbe(2.0, 1.5);

    /// <summary>n_k, the number of components (1 ≤ k &lt; min(n_uv, n_xy)).</summary>
    public required int Components { get; init; }

    /// <summary>Update scheme.</summary>
    public NmfMethod Method { get; init; } = NmfMethod.Constrained;

    /// <summary>Iterations per restart (paper: 500).</summary>
    public int Iterations { get; init; } = 500;

    /// <summary>Random restarts; the one with the lowest final MSE is kept (paper: 10).</summary>
    public int Restarts { get; init; } = 10;

    /// <summary>Seed of restart 0; restart r uses a seed derived from (Seed, r), so any restart can be replayed alone.</summary>
    public ulong Seed { get; init; }

    /// <summary>Constraint on W (constrained method only).</summary>
    public DiffractionConstraint DiffractionConstraint { get; init; } = DiffractionConstraint.DarkSpotFill;

    /// <summary>Constraint on H (constrained method only).</summary>
    public MapConstraint MapConstraint { get; init; } = MapConstraint.Convolution;

    /// <summary>Kernel of [·]_H.</summary>
    public ConvolutionKernel MapKernel { get; init; } = PaperMapKernel;

    /// <summary>
    /// After [·]_W, remove from every diffraction the share of the most rotationally symmetric one (the amorphous) that
    /// its radial baseline holds (see <c>Constraints.SymmetricShareRemoval</c>): the data cannot tell a crystalline
    /// diffraction from it plus some amorphous share, and the fill ratchets that share up. Needs
    /// <see cref="DiffractionConstraint.DarkSpotFill"/>. On by default (measured: README "Amorphous share" — on the
    /// paper's set and a k = 30 one it finds every crystalline diffraction, where the paper's plain protocol leaves each
    /// at cosine 0.5–0.6 with the truth, and it fits X better); off gives the paper's plain protocol.
    /// </summary>
    public bool RemoveAmorphousShare { get; init; } = true;

    /// <summary>Geometry and threshold of [·]_W.</summary>
    public PolarConstraintOptions Polar { get; init; } = new();

    /// <summary>
    /// Early stop (off when null): a restart ends once both ‖ΔW‖₁/‖W‖₁ and ‖ΔH‖₁/‖H‖₁ fall below this value.
    /// </summary>
    public double? Tolerance { get; init; }

    /// <summary>
    /// Restarts pruned early (off when null): every restart runs this many iterations, then only the
    /// <see cref="RestartsKept"/> with the lowest MSE go on to <see cref="Iterations"/> and the best of those is kept. A
    /// restart that goes on ends with exactly the bits it has in the run without pruning (restarts do not depend on each
    /// other), so the result is the unpruned run's whenever the trial ranks its winner among the kept; the others stop
    /// early, which is where the time is saved (10 restarts, 500 iterations, a trial of 30, one kept: 770 instead of
    /// 5 000 restart-iterations). Must be below <see cref="Iterations"/>.
    /// </summary>
    public int? TrialIterations { get; init; }

    /// <summary>Restarts that go on after <see cref="TrialIterations"/> (1 ≤ kept ≤ <see cref="Restarts"/>).</summary>
    public int RestartsKept { get; init; } = 1;

    /// <summary>Whether a coarse scan can scale [·]_H's kernel to its step: no map convolution runs, or its kernel was built
    /// from a FWHM (weights given as such have no width to scale).</summary>
    public bool MapKernelScales => Method != NmfMethod.Constrained || MapConstraint != MapConstraint.Convolution || MapKernel.FwhmPixels is not null;

    /// <summary>Whether the trial prunes anything: it ends before the last iteration and keeps fewer restarts than run.</summary>
    public bool Prunes => TrialIterations is int trial && trial < Iterations && RestartsKept < Restarts;

    /// <summary>
    /// Warm start from a coarser problem (off when null): the scan binned this many positions a side
    /// (<see cref="Data.UnfoldedData.BinScan"/>, ≥ 2) is factorized first with every other option (its restarts, trial,
    /// <see cref="Iterations"/> − <see cref="FineIterations"/> iterations, the map kernel scaled to the coarse scan step),
    /// then the full scan from the kept coarse diffractions (H from one H-step) for <see cref="FineIterations"/> more.
    /// Each coarse iteration costs a fraction of a full one (a quarter of the positions at 2). Needs the whole scan in
    /// one process and a map kernel built from a FWHM (not from weights).
    /// </summary>
    public int? CoarseScan { get; init; }

    /// <summary>Iterations at full resolution after <see cref="CoarseScan"/>'s warm start (below <see cref="Iterations"/>).</summary>
    public int FineIterations { get; init; } = FastPreset.FineIterations;

    /// <summary>Worker threads (default: all cores). Results are bit-identical for a given seed, kernel set and thread count.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Library for the dense products (Auto: <c>FASTNMF_BACKEND</c> if set, else the fastest available).</summary>
    public KernelBackend Backend { get; init; } = KernelBackend.Auto;

    /// <summary>How X is stored for the products (Auto: sparse when it is mostly zeros — unless a native BLAS backend
    /// was asked for explicitly, which implies dense).</summary>
    public XStorage Storage { get; init; } = XStorage.Auto;

    /// <summary>Zero fraction above which <see cref="XStorage.Auto"/> picks sparse storage.</summary>
    public const double SparseThreshold = 0.3;

    /// <summary>
    /// Advance all restarts together so that each pass over X serves every restart (default). Each restart's result is
    /// bit-identical either way; only the time differs.
    /// </summary>
    public bool BatchRestarts { get; init; } = true;

    /// <summary>
    /// Warm start (scikit-learn's <c>init='custom'</c>, MATLAB's <c>W0</c>): restart 0 starts from these diffractions,
    /// k × n_uv row-major over the kept pixels (as <see cref="Data.PixelMap.Unfold"/> gives from detector images). With no
    /// <see cref="InitialH"/>, H starts from one H-step on them (Eq. 8 and [·]_H). Other restarts start at random.
    /// </summary>
    public float[]? InitialW { get; init; }

    /// <summary>Warm start of the maps (MATLAB's <c>H0</c>): restart 0 starts from these, k × n_xy row-major over the whole
    /// scan (each rank of a distributed run reads its own columns).</summary>
    public float[]? InitialH { get; init; }

    /// <summary>The ε that keeps MU's denominators away from zero.</summary>
    public float MuEpsilon { get; init; } = 1e-12f;

    /// <summary>Checks every option against the data set <paramref name="x"/> without running anything.</summary>
    /// <exception cref="ArgumentOutOfRangeException">an option is out of range (the message names it).</exception>
    public void EnsureValidFor(Data.UnfoldedData x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Validate(x.NUv, x.NXy);
    }

    /// <summary>
    /// Checks every option for X of <paramref name="detectorPixels"/> rows (n_uv) and <paramref name="scanPositions"/>
    /// columns (n_xy) before any data is read, e.g. from a file's header: a mask can only lower n_uv, so a run that
    /// passes here is checked again with <see cref="EnsureValidFor(Data.UnfoldedData)"/> once X is unfolded.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">an option is out of range (the message names it).</exception>
    public void EnsureValidFor(int detectorPixels, long scanPositions) =>
        Validate(detectorPixels, (int)Math.Min(scanPositions, int.MaxValue));

    /// <summary>Checks <see cref="InitialW"/> and <see cref="InitialH"/> against X's shape.</summary>
    /// <exception cref="ArgumentException">a factor of the wrong length, or with a negative or non-finite value.</exception>
    internal void ValidateInitialFactors(int nUv, long nXy)
    {
        Check(InitialW, (long)Components * nUv, nameof(InitialW), $"k × n_uv = {Components} × {nUv} (the kept pixels)");
        Check(InitialH, Components * nXy, nameof(InitialH), $"k × n_xy = {Components} × {nXy} (the whole scan)");

        static void Check(float[]? factor, long length, string name, string shape)
        {
            if (factor is null)
            {
                return;
            }

            if (factor.LongLength != length)
            {
                throw new ArgumentException($"{name} has {factor.LongLength} values; it must be {shape} = {length}.", name);
            }

            for (long i = 0; i < factor.LongLength; i++)
            {
                if (!(factor[i] >= 0) || !float.IsFinite(factor[i]))
                {
                    throw new ArgumentException($"{name}[{i}] is {factor[i]}; an initial factor must be finite and non-negative.", name);
                }
            }
        }
    }

    internal void Validate(int nUv, int nXy)
    {
        if (Components < 1 || Components >= Math.Min(nUv, nXy))
        {
            throw new ArgumentOutOfRangeException(nameof(Components), Components,
                $"components must satisfy 1 ≤ k < min(n_uv, n_xy) = {Math.Min(nUv, nXy)}.");
        }

        if (Iterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "iterations must be at least 1.");
        }

        if (Restarts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Restarts), Restarts, "restarts must be at least 1.");
        }

        if (Threads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be at least 1.");
        }

        if (Tolerance is { } t && !(t > 0 && double.IsFinite(t)))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), t, "tolerance must be a positive number.");
        }

        if (TrialIterations is { } trial && (trial < 1 || trial >= Iterations))
        {
            throw new ArgumentOutOfRangeException(nameof(TrialIterations), trial, $"the restarts' trial must run 1 to {Iterations - 1} iterations (fewer than the {Iterations} of the run).");
        }

        if (CoarseScan is { } f)
        {
            if (f < 2)
            {
                throw new ArgumentOutOfRangeException(nameof(CoarseScan), f, "the coarse scan bins 2 or more positions a side.");
            }

            if (FineIterations < 1 || FineIterations >= Iterations)
            {
                throw new ArgumentOutOfRangeException(nameof(FineIterations), FineIterations, $"the full-resolution iterations after the coarse scan must be 1 to {Iterations - 1} (fewer than the {Iterations} of the run).");
            }

            if (TrialIterations is { } t2 && t2 >= Iterations - FineIterations)
            {
                throw new ArgumentOutOfRangeException(nameof(TrialIterations), t2, $"with a coarse scan the trial runs on it, within its {Iterations - FineIterations} iterations ({Iterations} − {FineIterations} at full resolution).");
            }

            if (!MapKernelScales)
            {
                throw new ArgumentOutOfRangeException(nameof(CoarseScan), f, "a map kernel given as weights has no width to scale to the coarse scan; build it from a FWHM (a shape and --probe-fwhm/--scan-step) or run without a coarse scan.");
            }
        }

        if (RestartsKept < 1 || RestartsKept > Restarts)
        {
            throw new ArgumentOutOfRangeException(nameof(RestartsKept), RestartsKept, $"restarts kept after the trial must be 1 to {Restarts} (the restarts of the run).");
        }

        if (!(MuEpsilon > 0) || !float.IsFinite(MuEpsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(MuEpsilon), MuEpsilon, "ε must be a positive number.");
        }

        ArgumentNullException.ThrowIfNull(MapKernel);
        ArgumentNullException.ThrowIfNull(Polar);
        Polar.Validate();
    }
}
