using FastNmf.Blas;
using FastNmf.Kernels.Convolution;
using FastNmf.Kernels.Gemm;
using FastNmf.Kernels.Lanes;
using FastNmf.Kernels.Polar;

namespace FastNmf.Kernels;

/// <summary>
/// The kernel implementations one run uses, chosen once and passed to the solver (no global backend state).
/// Each family lists its implementations in preference order; <c>FASTNMF_KERNELS</c> (comma-separated type names)
/// forces a choice per family, and an unknown name is an error rather than a silent fallback.
/// </summary>
internal sealed class KernelSet
{
    public const string EnvironmentVariable = "FASTNMF_KERNELS";

    // Preference order. The hand-written lane kernels first (two frames × four components per pass, measured against
    // TensorPrimitives with `perf/FastNmf.Benchmarks -- phases` and `roofline`), TensorPrimitives next (cache-blocked,
    // one component per pass); the scalar reference stays selectable as the oracle.
    private static readonly Func<IFactorProducts>[] s_products =
        [() => new FactorProductsLanes(), () => new FactorProductsTensorPrimitives(), () => new FactorProductsScalar()];
    // The vector convolution first where it runs: the same bits as the scalar one (each output the same double sum).
    private static readonly Func<IMapConvolution>[] s_convolutions = MapConvolutionVector256.IsSupported
        ? [() => new MapConvolutionVector256(), () => new MapConvolutionScalar()]
        : [() => new MapConvolutionScalar()];
    // AVX2 gathers first where present (measured faster on the 128×128 detector, `perf/FastNmf.Benchmarks -- phases`);
    // both compute identical bits.
    private static readonly Func<IPolarGather>[] s_polar = PolarGatherAvx2.IsSupported
        ? [() => new PolarGatherAvx2(), () => new PolarGatherScalar()]
        : [() => new PolarGatherScalar()];

    // Lane kernels for sparse X: widest first. Every width computes the same bits (all fuse multiply-add), so the order
    // is purely speed; Scalar is the reference and the fallback where no vector unit is accelerated.
    private static readonly LaneWidth[] s_laneWidths = [LaneWidth.Vector512, LaneWidth.Vector256, LaneWidth.Scalar];

    public KernelSet(IFactorProducts products, IMapConvolution convolution, IPolarGather polar, string? forced = null, LaneWidth? sparseWidth = null)
    {
        SparseWidth = sparseWidth ?? s_laneWidths.First(IsAccelerated);
        Products = products;
        Convolution = convolution;
        Polar = polar;
        Forced = forced;
    }

    public IFactorProducts Products { get; }

    public IMapConvolution Convolution { get; }

    public IPolarGather Polar { get; }

    /// <summary>Width of the sparse lane kernels (<c>SparseLanes{width}</c>).</summary>
    public LaneWidth SparseWidth { get; }

    /// <summary>Width of the dense lane kernels (<c>DenseLanes{width}</c>): the products' own when they are the lane
    /// kernels, else the widest (for uint16 X and projections, which always run on the lane kernels).</summary>
    public LaneWidth DenseWidth => Products is FactorProductsLanes lanes ? lanes.Width : s_laneWidths.First(IsAccelerated);

    /// <summary>The lane widths this machine can run (Scalar always).</summary>
    public static IReadOnlyList<LaneWidth> AvailableLaneWidths => s_laneWidths.Where(IsAccelerated).ToArray();

    /// <summary>The override that produced this set, if any.</summary>
    public string? Forced { get; }

    /// <summary>The library that runs the dense X products: "openblas", "mkl" or "managed".</summary>
    public string Backend => Products is FactorProductsBlas blas ? blas.Library.Kind.ToString().ToLowerInvariant() : "managed";

    /// <summary>The environment variable that picks a backend when the options leave it on Auto.</summary>
    public const string BackendVariable = "FASTNMF_BACKEND";

    // Auto order, measured on the 2-core Zen 5 machines with perf/FastNmf.Benchmarks `phases` and `k30` at the paper's
    // shapes (README, performance): where vector lanes run, the managed lane kernels beat both BLAS on these tall-skinny
    // products (K = 40 at 36×36: 21.7 ms vs OpenBLAS 24.0, MKL 25.7; k = 30 at 58×58: 49.2 vs 59.0 and 59.7), so they
    // come first; without vector units a BLAS does, OpenBLAS before MKL. A BLAS that fails to load is skipped with its
    // reason in the trace.
    private static readonly KernelBackend[] s_autoOrder = [KernelBackend.OpenBlas, KernelBackend.Mkl];

    /// <summary>True when <see cref="KernelBackend.Auto"/> runs the managed kernels even where a BLAS loads.</summary>
    public static bool AutoPrefersManaged => LaneWidths.Widest != LaneWidth.Scalar;

    public static IReadOnlyList<IFactorProducts> AvailableProducts => s_products.Select(f => f()).ToArray();

    /// <summary>Why each native BLAS was or was not loaded (for <c>fastnmf backends</c> and error messages).</summary>
    public static IReadOnlyList<string> BackendTraces()
    {
        var lines = new List<string>();
        foreach (KernelBackend kind in s_autoOrder)
        {
            NativeBlas? blas = NativeBlas.TryGet(kind, out string trace);
            lines.Add($"{kind}: {(blas is null ? "unavailable" : "available")} — {trace}");
        }

        return lines;
    }

    /// <summary>The best implementations, with <c>FASTNMF_KERNELS</c> and <c>FASTNMF_BACKEND</c> applied.</summary>
    public static KernelSet CreateDefault() => Create(Environment.GetEnvironmentVariable(EnvironmentVariable), KernelBackend.Auto);

    /// <summary>The implementations for <paramref name="backend"/> (Auto: <c>FASTNMF_BACKEND</c>, else the fastest
    /// available) with the named overrides (comma-separated type names) applied.</summary>
    /// <exception cref="ArgumentException">an override names no known implementation, or FASTNMF_BACKEND is not a backend.</exception>
    /// <exception cref="BackendUnavailableException">a native backend was requested and cannot be loaded (the message carries the load trace).</exception>
    public static KernelSet Create(string? overrides, KernelBackend backend = KernelBackend.Auto)
    {
        if (backend == KernelBackend.Auto && Environment.GetEnvironmentVariable(BackendVariable) is { Length: > 0 } fromEnv)
        {
            backend = Enum.TryParse(fromEnv, ignoreCase: true, out KernelBackend parsed)
                ? parsed
                : throw new ArgumentException($"{BackendVariable}: '{fromEnv}' is not one of auto, managed, openblas, mkl.");
        }

        IFactorProducts products = ChooseProducts(backend);
        IMapConvolution convolution = s_convolutions[0]();
        IPolarGather polar = s_polar[0]();
        LaneWidth? sparseWidth = null;
        if (!string.IsNullOrWhiteSpace(overrides))
        {
            foreach (string raw in overrides.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Width(raw, KernelNames.DenseLanes) is { } dense)
                {
                    products = new FactorProductsLanes(dense);
                }
                else if (Width(raw, KernelNames.SparseLanes) is { } sparse)
                {
                    sparseWidth = sparse;
                }
                else if (Find(s_products, raw) is { } p)
                {
                    products = p;
                }
                else if (Find(s_convolutions, raw) is { } c)
                {
                    convolution = c;
                }
                else if (Find(s_polar, raw) is { } g)
                {
                    polar = g;
                }
                else
                {
                    string known = string.Join(", ", s_laneWidths.Select(KernelNames.DenseLanes).Concat(s_products.Skip(1).Select(f => f().Name))
                        .Concat(s_laneWidths.Select(KernelNames.SparseLanes)).Concat(s_convolutions.Select(f => f().Name)).Concat(s_polar.Select(f => f().Name)));
                    throw new ArgumentException($"{EnvironmentVariable}: unknown kernel '{raw}'. Known: {known}.");
                }
            }
        }

        return new KernelSet(products, convolution, polar, overrides, sparseWidth);
    }

    /// <summary>One line naming the backend and every chosen implementation.</summary>
    public string Describe() =>
        $"backend {Backend}: {Products.Name}{(Products is FactorProductsBlas b ? $" ({b.Library.Version})" : string.Empty)}, {KernelNames.SparseLanes(SparseWidth)}, {Convolution.Name}, {Polar.Name}" +
        (string.IsNullOrWhiteSpace(Forced) ? string.Empty : $" (forced by {EnvironmentVariable}={Forced})");

    private static IFactorProducts ChooseProducts(KernelBackend backend)
    {
        switch (backend)
        {
            case KernelBackend.Managed:
                return s_products[0]();
            case KernelBackend.OpenBlas or KernelBackend.Mkl:
                return NativeBlas.TryGet(backend, out string trace) is { } blas
                    ? new FactorProductsBlas(blas)
                    : throw new BackendUnavailableException($"backend {backend.ToString().ToLowerInvariant()} is not available: {trace}");
            default:
                if (AutoPrefersManaged)
                {
                    return s_products[0]();
                }

                foreach (KernelBackend kind in s_autoOrder)
                {
                    if (NativeBlas.TryGet(kind, out _) is { } found)
                    {
                        return new FactorProductsBlas(found);
                    }
                }

                return s_products[0]();
        }
    }

    private static bool IsAccelerated(LaneWidth width) => LaneWidths.IsAccelerated(width);

    // The width a lane kernel's name (DenseLanesVector256, SparseLanesScalar, …) forces, or null when it names another kernel.
    private static LaneWidth? Width(string name, Func<LaneWidth, string> family)
    {
        foreach (LaneWidth width in s_laneWidths)
        {
            if (string.Equals(family(width), name, StringComparison.OrdinalIgnoreCase))
            {
                return IsAccelerated(width)
                    ? width
                    : throw new ArgumentException($"{EnvironmentVariable}: '{name}' is not supported by this processor (or is disabled by DOTNET_Enable* settings).");
            }
        }

        return null;
    }

    private static T? Find<T>(Func<T>[] family, string name) where T : class =>
        family.Select(f => f()).FirstOrDefault(i => string.Equals(NameOf(i!), name, StringComparison.OrdinalIgnoreCase));

    private static string NameOf(object o) => o switch
    {
        IFactorProducts p => p.Name,
        IMapConvolution c => c.Name,
        IPolarGather g => g.Name,
        _ => o.GetType().Name,
    };
}
