using FastNmf.Kernels.Convolution;
using FastNmf.Kernels.Gemm;
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

    public KernelSet(IFactorProducts products, IMapConvolution convolution, IPolarGather polar, string? forced = null)
    {
        Products = products;
        Convolution = convolution;
        Polar = polar;
        Forced = forced;
    }

    public IFactorProducts Products { get; }

    public IMapConvolution Convolution { get; }

    public IPolarGather Polar { get; }

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
                else
                {
                    string known = string.Join(", ", s_products.Select(f => Name(f())).Concat(s_convolutions.Select(f => Name(f()))).Concat(s_polar.Select(f => Name(f()))));
                    throw new ArgumentException($"{EnvironmentVariable}: unknown kernel '{raw}'. Known: {known}.");
                }
            }
        }

        return new KernelSet(products, convolution, polar, overrides);
    }

    /// <summary>One line naming the backend and every chosen implementation.</summary>
    public string Describe() =>
        $"backend {Backend}: {Products.Name}, {Convolution.Name}, {Polar.Name}" +
        (string.IsNullOrWhiteSpace(Forced) ? string.Empty : $" (forced by {EnvironmentVariable}={Forced})");

    private static T? Find<T>(Func<T>[] family, string name) where T : class =>
        family.Select(f => f()).FirstOrDefault(i => string.Equals(Name(i!), name, StringComparison.OrdinalIgnoreCase));

    private static string Name(object o) => o.GetType().Name;
}
