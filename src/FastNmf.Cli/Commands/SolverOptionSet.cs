using System.CommandLine;
using System.Globalization;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.IO;

namespace FastNmf.Cli.Commands;

/// <summary>The factorization options of <c>factorize</c>, and their translation into <see cref="NmfOptions"/>.</summary>
internal sealed class SolverOptionSet
{
    public Option<int> Components { get; } = new("--components", "-k") { Description = "Number of components k (1 ≤ k < min(n_uv, n_xy)).", Required = true };

    public Option<string> Method { get; } = new("--method") { Description = "constrained (the paper's protocol), als (primitive ALS, Eqs. 5–6) or mu (multiplicative updates, Eqs. 3–4).", DefaultValueFactory = _ => "constrained" };

    public Option<string?> Constraints { get; } = new("--constraints") { Description = "Constrained method only: w,h (both, default) | w | h | none. w = dark-spot fill [·]_W, h = map convolution [·]_H; otherwise nonnegativity." };

    public Option<int> Iterations { get; } = new("--iterations") { Description = "Iterations per restart.", DefaultValueFactory = _ => 500 };

    public Option<int> Restarts { get; } = new("--restarts") { Description = "Random restarts; the lowest final MSE is kept.", DefaultValueFactory = _ => 10 };

    public Option<ulong> Seed { get; } = new("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 0 };

    public Option<int> Threads { get; } = new("--threads") { Description = "Worker threads (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount };

    public Option<double?> Tolerance { get; } = new("--tolerance") { Description = "Early stop once ‖ΔW‖₁/‖W‖₁ and ‖ΔH‖₁/‖H‖₁ both fall below this (off by default)." };

    public Option<int?> TrialIterations { get; } = new("--trial-iterations") { Description = "Restarts pruned early: every restart runs this many iterations, then only the --keep-restarts lowest MSEs go on (each with the bits it has without pruning; off by default). README \"Fast mode\"." };

    public Option<int> KeepRestarts { get; } = new("--keep-restarts") { Description = "Restarts that go on after --trial-iterations.", DefaultValueFactory = _ => 1 };

    public Option<bool> Fast { get; } = new("--fast") { Description = $"The fast mode: restarts pruned after a trial of {FastPreset.TrialIterations} iterations and a warm start from the scan binned {FastPreset.CoarseScan}×{FastPreset.CoarseScan} with {FastPreset.FineIterations} iterations on the full scan (where the binned scan keeps {FastPreset.CoarsePositionsPerComponent} positions per component); explicit --trial-iterations, --keep-restarts, --coarse-scan, --fine-iterations win. Measured against the exact protocol: README \"Fast mode\"." };

    public Option<int?> CoarseScan { get; } = new("--coarse-scan") { Description = "Warm start from the scan binned N×N: the protocol runs there (restarts, trial, all but --fine-iterations iterations), then on the full scan from its diffractions (off by default). README \"Fast mode\"." };

    public Option<int> FineIterations { get; } = new("--fine-iterations") { Description = "Iterations on the full scan after --coarse-scan.", DefaultValueFactory = _ => FastPreset.FineIterations };

    public Option<double?> MaskRadius { get; } = new("--mask-radius") { Description = "Mask a direct-beam disc of this radius (detector pixels)." };

    public Option<string?> MaskCentre { get; } = new("--mask-centre") { Description = "Centre of the direct-beam disc as ROW,COL (default: detector centre)." };

    public Option<double?> ProbeFwhm { get; } = new("--probe-fwhm") { Description = "Probe FWHM for the map kernel (same unit as --scan-step; default 2 with step 1.5: the paper's 3×3 Gaussian)." };

    public Option<double?> ScanStep { get; } = new("--scan-step") { Description = "Scan step (same unit as --probe-fwhm)." };

    public Option<string> Kernel { get; } = new("--kernel") { Description = "Map kernel: gaussian | lorentzian | pseudo-voigt | a .npy file holding an odd square kernel.", DefaultValueFactory = _ => "gaussian" };

    public Option<int?> KernelSize { get; } = new("--kernel-size") { Description = "Odd kernel size (default: spans ±FWHM)." };

    public Option<double> Eta { get; } = new("--eta") { Description = "Pseudo-Voigt Lorentzian fraction η in [0, 1].", DefaultValueFactory = _ => 0.5 };

    public Option<int> PhiSamples { get; } = new("--phi-samples") { Description = "Angular samples of the r–φ transform in [·]_W.", DefaultValueFactory = _ => 360 };

    public Option<string> Backend { get; } = BackendOption();

    public Option<string> Storage { get; } = StorageOption();

    public Option<string?> Centre { get; } = new("--centre") { Description = "Pattern centre (the direct beam) as ROW,COL in detector pixels, about which [·]_W's polar transform runs (default: the centre of the masked direct-beam disc — --mask-centre or --mask-direct-beam auto — else the detector centre rows/2, cols/2)." };

    public Option<double> OutlierFactor { get; } = new("--outlier-factor") { Description = "Bright-spot threshold of [·]_W as a multiple of the radial mean.", DefaultValueFactory = _ => 2.0 };

    public Option<string> AmorphousShare { get; } = new("--amorphous-share")
    {
        Description = "After [·]_W: remove (default) from every diffraction the share of the amorphous (most rotationally symmetric) one that its radial floor holds, or keep it: the paper's plain protocol. README \"Amorphous share\".",
        DefaultValueFactory = _ => "remove",
    };

    public Option<string> FillRoute { get; } = new("--fill-route")
    {
        Description = "How [·]_W reaches the pixels: pixel (default: every pixel below the baseline at its exact radius raised to it) or polar (the paper's route: raised on the r–φ grid, the rise interpolated back; a partial fill).",
        DefaultValueFactory = _ => "pixel",
    };

    public void AddTo(Command command)
    {
        FillRoute.AcceptOnlyFromAmong("pixel", "polar");
        Method.AcceptOnlyFromAmong("constrained", "als", "mu");
        AmorphousShare.AcceptOnlyFromAmong("remove", "keep");
        foreach (Option o in new Option[] { Components, Method, Constraints, AmorphousShare, FillRoute, Iterations, Restarts, Seed, Threads, Tolerance, Fast, TrialIterations, KeepRestarts, CoarseScan, FineIterations, MaskRadius, MaskCentre, ProbeFwhm, ScanStep, Kernel, KernelSize, Eta, PhiSamples, Centre, OutlierFactor, Backend, Storage })
        {
            command.Options.Add(o);
        }
    }

    public NmfOptions Build(ParseResult p)
    {
        NmfMethod method = p.GetValue(Method) switch
        {
            "als" => NmfMethod.Als,
            "mu" => NmfMethod.Mu,
            _ => NmfMethod.Constrained,
        };
        string? constraints = p.GetValue(Constraints);
        if (constraints is not null && method != NmfMethod.Constrained)
        {
            throw new UsageException("--constraints applies to --method constrained only (als and mu use nonnegativity).");
        }

        (bool w, bool h) = (constraints ?? "w,h").Replace(" ", string.Empty).ToLowerInvariant() switch
        {
            "w,h" or "h,w" => (true, true),
            "w" => (true, false),
            "h" => (false, true),
            "none" => (false, false),
            string other => throw new UsageException($"--constraints: '{other}' is not one of w,h | w | h | none."),
        };

        return new NmfOptions
        {
            Components = p.GetValue(Components),
            Method = method,
            Iterations = p.GetValue(Iterations),
            Restarts = p.GetValue(Restarts),
            Seed = p.GetValue(Seed),
            Threads = p.GetValue(Threads),
            Tolerance = p.GetValue(Tolerance),
            TrialIterations = p.GetValue(TrialIterations),
            RestartsKept = KeptRestarts(p),
            CoarseScan = p.GetValue(CoarseScan),
            FineIterations = FineIterationsOf(p),
            DiffractionConstraint = w ? DiffractionConstraint.DarkSpotFill : DiffractionConstraint.NonNegative,
            RemoveAmorphousShare = p.GetValue(AmorphousShare) == "remove",
            MapConstraint = h ? MapConstraint.Convolution : MapConstraint.NonNegative,
            MapKernel = BuildKernel(p),
            Polar = new PolarConstraintOptions(PhiSamples: p.GetValue(PhiSamples), OutlierFactor: p.GetValue(OutlierFactor))
            {
                Route = p.GetValue(FillRoute) == "polar" ? PolarFillRoute.Polar : PolarFillRoute.Pixel,
            },
            Backend = ParseBackend(p.GetValue(Backend)!),
            Storage = ParseStorage(p.GetValue(Storage)!),
        };
    }

    // --keep-restarts means something only with a trial: alone it is a usage error rather than silently ignored.
    private int KeptRestarts(ParseResult p)
    {
        if (p.GetResult(KeepRestarts) is { Implicit: false } && p.GetValue(TrialIterations) is null && !p.GetValue(Fast))
        {
            throw new UsageException("--keep-restarts needs --trial-iterations (the iterations every restart runs before the others are pruned).");
        }

        return p.GetValue(KeepRestarts);
    }

    /// <summary>Whether --fast was given: the caller applies <see cref="FastPreset.Apply"/> once the scan's shape is known.</summary>
    public bool IsFast(ParseResult p) => p.GetValue(Fast);

    private int FineIterationsOf(ParseResult p)
    {
        if (p.GetResult(FineIterations) is { Implicit: false } && p.GetValue(CoarseScan) is null && !p.GetValue(Fast))
        {
            throw new UsageException("--fine-iterations needs --coarse-scan (the iterations on the full scan after the coarse one).");
        }

        return p.GetValue(FineIterations);
    }

    /// <summary>The --backend option (shared with demo).</summary>
    public static Option<string> BackendOption()
    {
        var o = new Option<string>("--backend") { Description = "Library for the dense products: auto (managed where vector lanes run, which beat both BLAS at the measured shapes; else OpenBLAS, then MKL, then managed; FASTNMF_BACKEND overrides) | managed | openblas | mkl.", DefaultValueFactory = _ => "auto" };
        o.AcceptOnlyFromAmong("auto", "managed", "openblas", "mkl");
        return o;
    }

    /// <summary>The --storage option (shared with demo).</summary>
    public static Option<string> StorageOption()
    {
        var o = new Option<string>("--storage") { Description = "How X is held: auto (sparse when ≥ 30 % zeros — on counts only where it is faster: from about 13 stacked components, k × restarts, at 37 % nonzeros; else uint16 when every value is a count below 65536; else float32; float32 or sparse when --backend names a BLAS) | dense (float32) | uint16 (dense, half the bytes; counts only) | sparse.", DefaultValueFactory = _ => "auto" };
        o.AcceptOnlyFromAmong("auto", "dense", "uint16", "sparse");
        return o;
    }

    public static KernelBackend ParseBackend(string value) => value switch
    {
        "managed" => KernelBackend.Managed,
        "openblas" => KernelBackend.OpenBlas,
        "mkl" => KernelBackend.Mkl,
        _ => KernelBackend.Auto,
    };

    /// <summary>The --storage spelling of <paramref name="storage"/> (as written to summary.json).</summary>
    public static string StorageName(XStorage storage) => storage switch
    {
        XStorage.Dense => "dense",
        XStorage.DenseUInt16 => "uint16",
        XStorage.Sparse => "sparse",
        _ => "auto",
    };

    public static XStorage ParseStorage(string value) => value switch
    {
        "dense" => XStorage.Dense,
        "uint16" => XStorage.DenseUInt16,
        "sparse" => XStorage.Sparse,
        _ => XStorage.Auto,
    };

    /// <summary>
    /// Checks <paramref name="options"/> for X of <paramref name="detectorPixels"/> × <paramref name="scanPositions"/>
    /// (before reading, from the file's header; after reading, X's own sizes), reporting a bad value by its option name.
    /// </summary>
    /// <exception cref="UsageException">an option is out of range.</exception>
    public static void Check(NmfOptions options, int detectorPixels, long scanPositions)
    {
        try
        {
            options.EnsureValidFor(detectorPixels, scanPositions);
        }
        catch (ArgumentOutOfRangeException e)
        {
            string option = e.ParamName switch
            {
                nameof(NmfOptions.Components) => "-k",
                nameof(NmfOptions.Iterations) => "--iterations",
                nameof(NmfOptions.Restarts) => "--restarts",
                nameof(NmfOptions.Threads) => "--threads",
                nameof(NmfOptions.Tolerance) => "--tolerance",
                nameof(NmfOptions.TrialIterations) => "--trial-iterations",
                nameof(NmfOptions.RestartsKept) => "--keep-restarts",
                nameof(NmfOptions.CoarseScan) => "--coarse-scan",
                nameof(NmfOptions.FineIterations) => "--fine-iterations",
                nameof(PolarConstraintOptions.PhiSamples) => "--phi-samples",
                nameof(PolarConstraintOptions.OutlierFactor) => "--outlier-factor",
                _ => e.ParamName ?? "option",
            };
            throw new UsageException($"{option} {Convert.ToString(e.ActualValue, CultureInfo.InvariantCulture)}: {CliErrors.WithoutParameter(e)}");
        }
    }

    public (DetectorMask? Mask, Output.MaskInfo Info) BuildMask(ParseResult p, int detRows, int detCols)
    {
        double? radius = p.GetValue(MaskRadius);
        string? centre = p.GetValue(MaskCentre);
        if (radius is null)
        {
            if (centre is not null)
            {
                throw new UsageException("--mask-centre needs --mask-radius.");
            }

            return (null, Output.MaskInfo.None);
        }

        double cr = detRows / 2;
        double cc = detCols / 2;
        if (centre is not null)
        {
            (cr, cc) = AnalysisOptionSet.ParsePair(centre, "--mask-centre");
        }

        if (!(radius >= 0))
        {
            throw new UsageException($"--mask-radius must be non-negative, got {radius}.");
        }

        try
        {
            var mask = DetectorMask.DirectBeam(detRows, detCols, cr, cc, radius.Value);
            return (mask, new Output.MaskInfo("direct-beam disc", mask.MaskedCount, radius, cr, cc, mask));
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--mask-radius {radius}: {CliErrors.WithoutParameter(e)}");
        }
    }

    private ConvolutionKernel BuildKernel(ParseResult p)
    {
        double? fwhm = p.GetValue(ProbeFwhm);
        double? step = p.GetValue(ScanStep);
        string kernel = p.GetValue(Kernel)!;
        int? size = p.GetValue(KernelSize);
        if ((fwhm is null) != (step is null))
        {
            throw new UsageException("--probe-fwhm and --scan-step go together: give both or neither.");
        }

        try
        {
            if (kernel.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            {
                if (fwhm is not null || size is not null)
                {
                    throw new UsageException("a kernel file fixes the kernel; drop --probe-fwhm, --scan-step and --kernel-size.");
                }

                NpyArray a = NpyReader.ReadFloat32(kernel);
                if (a.Shape.Length != 2 || a.Shape[0] != a.Shape[1])
                {
                    throw new DataFormatException(kernel, null, $"a kernel must be a square 2-D array, got shape ({string.Join(", ", a.Shape)}).");
                }

                return ConvolutionKernel.FromWeights(a.Data, (int)a.Shape[0]);
            }

            KernelShape shape = kernel.ToLowerInvariant() switch
            {
                "gaussian" => KernelShape.Gaussian,
                "lorentzian" => KernelShape.Lorentzian,
                "pseudo-voigt" or "pseudovoigt" => KernelShape.PseudoVoigt,
                _ => throw new UsageException($"--kernel: '{kernel}' is not gaussian, lorentzian, pseudo-voigt or a .npy file."),
            };
            return ConvolutionKernel.FromProbe(fwhm ?? 2.0, step ?? 1.5, shape, size, p.GetValue(Eta));
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"map kernel: {CliErrors.WithoutParameter(e)}");
        }
    }
}
