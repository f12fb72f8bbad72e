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

    // Preference order. TensorPrimitives first: cache-blocked and vectorised (Vector512/256), measured faster than the
    // scalar reference on every shape; the scalar reference stays selectable as the oracle.
    private static readonly Func<IFactorProducts>[] s_products = [() => new FactorProductsTensorPrimitives(), () => new FactorProductsScalar()];
    private static readonly Func<IMapConvolution>[] s_convolutions = [() => new MapConvolutionScalar()];
    private static readonly Func<IPolarGather>[] s_polar = [() => new PolarGatherScalar()];

    // Lane kernels for sparse X: widest first. Every width computes the same bits (all fuse multiply-add), so the order
    // is purely speed; Scalar is the reference and the fallback where no vector unit is accelerated.
    private static readonly LaneWidth[] s_laneWidths = [LaneWidth.Vector512, LaneWidth.Vector256, LaneWidth.Scalar];

    public KernelSet(IFactorProducts products, IMapConvolution convolution, IPolarGather polar, string? forced = null, LaneWidth? laneWidth = null)
    {
        LaneWidth = laneWidth ?? s_laneWidths.First(IsAccelerated);
        Products = products;
        Convolution = convolution;
        Polar = polar;
        Forced = forced;
    }

    public IFactorProducts Products { get; }

    public IMapConvolution Convolution { get; }

    public IPolarGather Polar { get; }

    /// <summary>Width of the sparse lane kernels.</summary>
    public LaneWidth LaneWidth { get; }

    /// <summary>The lane widths this machine can run (Scalar always).</summary>
    public static IReadOnlyList<LaneWidth> AvailableLaneWidths => s_laneWidths.Where(IsAccelerated).ToArray();

    /// <summary>The override that produced this set, if any.</summary>
    public string? Forced { get; }

    /// <summary>The backend these implementations belong to, as reported in results and summaries. Every
    /// implementation so far is managed code (System.Runtime.Intrinsics / TensorPrimitives).</summary>
    public string Backend => "managed";

    public static IReadOnlyList<IFactorProducts> AvailableProducts => s_products.Select(f => f()).ToArray();

    /// <summary>The best implementations, with <c>FASTNMF_KERNELS</c> applied.</summary>
    public static KernelSet CreateDefault() => Create(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>The best implementations with the named overrides (comma-separated type names) applied.</summary>
    /// <exception cref="ArgumentException">an override names no known implementation.</exception>
    public static KernelSet Create(string? overrides)
    {
        IFactorProducts products = s_products[0]();
        IMapConvolution convolution = s_convolutions[0]();
        IPolarGather polar = s_polar[0]();
        LaneWidth? laneWidth = null;
        if (!string.IsNullOrWhiteSpace(overrides))
        {
            foreach (string raw in overrides.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Find(s_products, raw) is { } p)
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
                else if (s_laneWidths.FirstOrDefault(w => string.Equals(LaneKernelName(w), raw, StringComparison.OrdinalIgnoreCase)) is var width
                    && string.Equals(LaneKernelName(width), raw, StringComparison.OrdinalIgnoreCase))
                {
                    if (!IsAccelerated(width))
                    {
                        throw new ArgumentException($"{EnvironmentVariable}: '{raw}' is not supported by this processor (or is disabled by DOTNET_Enable* settings).");
                    }

                    laneWidth = width;
                }
                else
                {
                    string known = string.Join(", ", s_products.Select(f => Name(f())).Concat(s_convolutions.Select(f => Name(f())))
                        .Concat(s_polar.Select(f => Name(f()))).Concat(s_laneWidths.Select(LaneKernelName)));
                    throw new ArgumentException($"{EnvironmentVariable}: unknown kernel '{raw}'. Known: {known}.");
                }
            }
        }

        return new KernelSet(products, convolution, polar, overrides, laneWidth);
    }

    /// <summary>One line naming the backend and every chosen implementation.</summary>
    public string Describe() =>
        $"backend {Backend}: {Products.Name}, {LaneKernelName(LaneWidth)}, {Convolution.Name}, {Polar.Name}" +
        (string.IsNullOrWhiteSpace(Forced) ? string.Empty : $" (forced by {EnvironmentVariable}={Forced})");

    /// <summary>The name of the sparse lane kernel at <paramref name="width"/> (its id in FASTNMF_KERNELS).</summary>
    public static string LaneKernelName(LaneWidth width) => $"SparseLanes{width}";

    private static bool IsAccelerated(LaneWidth width) => width switch
    {
        LaneWidth.Vector512 => Lanes512.IsSupported,
        LaneWidth.Vector256 => Lanes256.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported,
        _ => true,
    };

    private static T? Find<T>(Func<T>[] family, string name) where T : class =>
        family.Select(f => f()).FirstOrDefault(i => string.Equals(Name(i!), name, StringComparison.OrdinalIgnoreCase));

    private static string Name(object o) => o.GetType().Name;
}
