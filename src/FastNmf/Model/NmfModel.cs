using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.SmallSolve;

namespace FastNmf;

/// <summary>
/// A fitted model: the diffractions W over the kept pixels of its <see cref="Pixels"/>, (WᵀW)⁻¹, and the map constraint
/// to apply where whole maps are present. It projects frames onto W — scikit-learn's <c>transform</c>, MATLAB's
/// <c>nnmf</c> with W fixed — giving each frame's map values <c>h = [(WᵀW)⁻¹ Wᵀ x]₊</c> and the residual ‖x − Wh‖²
/// (a map of what the model does not explain: a new phase, drift, a detector fault). From a run
/// (<see cref="NmfResult.Model"/>), from a factorize output directory (<see cref="Load"/>), or from W and a pixel map
/// (<see cref="Create"/>). Immutable and thread-safe; a <see cref="ModelProjector"/> holds the scratch of one thread.
/// </summary>
public sealed class NmfModel
{
    private readonly float[] _keptW;
    private readonly float[] _paddedW;
    private readonly double[] _gram;
    private readonly double[] _gramInverse;

    private NmfModel(float[] keptW, int components, PixelMap pixels, MapConstraint mapConstraint, ConvolutionKernel mapKernel)
    {
        Components = components;
        Pixels = pixels;
        MapConstraint = mapConstraint;
        MapKernel = mapKernel;
        _keptW = keptW;
        Kernels = KernelSet.CreateDefault();
        int k = components, n = pixels.KeptCount;
        // W with rows padded to whole cache lines, pinned: the lane kernels read it in place.
        WStride = (n + 15) & ~15;
        _paddedW = GC.AllocateArray<float>(Math.Max(1, k * WStride), pinned: true);
        for (int c = 0; c < k; c++)
        {
            keptW.AsSpan(c * n, n).CopyTo(_paddedW.AsSpan(c * WStride, n));
        }

        _gram = new double[k * k];
        for (int c = 0; c < k; c++)
        {
            ReadOnlySpan<float> wc = keptW.AsSpan(c * n, n);
            for (int d = 0; d <= c; d++)
            {
                double s = FastNmf.Kernels.Reductions.DoubleReductions.Dot(wc, keptW.AsSpan(d * n, n));
                _gram[(c * k) + d] = s;
                _gram[(d * k) + c] = s;
            }
        }

        _gramInverse = new double[k * k];
        Ridge = CholeskyInverse.Invert(_gram, _gramInverse, new double[k * k], k);
    }

    /// <summary>n_k: the number of components.</summary>
    public int Components { get; }

    /// <summary>The detector geometry frames must have: shape, kept pixels (the mask) and pattern centre.</summary>
    public PixelMap Pixels { get; }

    /// <summary>What is applied to H where whole maps are present (a whole scan): <see cref="MapConstraint.Convolution"/>
    /// with <see cref="MapKernel"/> then [·]₊ (the factorization's [·]_H), [·]₊ alone, or nothing. Frame by frame, with
    /// no map yet, it is always [·]₊ (or nothing for <see cref="MapConstraint.None"/>).</summary>
    public MapConstraint MapConstraint { get; }

    /// <summary>The kernel of [·]_H.</summary>
    public ConvolutionKernel MapKernel { get; }

    /// <summary>The diffractions, k × DetRows × DetCols row-major (masked pixels 0) — as <see cref="NmfResult.W"/>.</summary>
    public float[] W => Pixels.Refold(_keptW, Components);

    /// <summary>The diffractions over the kept pixels only, k × n_uv.</summary>
    public ReadOnlySpan<float> KeptW => _keptW;

    /// <summary>WᵀW (k × k, row-major), accumulated in double over the kept pixels.</summary>
    public ReadOnlySpan<double> Gram => _gram;

    /// <summary>(WᵀW + λI)⁻¹ (k × k, row-major), λ = <see cref="Ridge"/>.</summary>
    public ReadOnlySpan<double> GramInverse => _gramInverse;

    /// <summary>The ridge added to invert WᵀW (0 unless W's columns are nearly dependent, as in the factorization's solves).</summary>
    public double Ridge { get; }

    internal KernelSet Kernels { get; }

    /// <summary>Row stride of <see cref="WView"/>.</summary>
    internal int WStride { get; }

    /// <summary>W over the kept pixels as a k × n_uv view for the kernels (pinned, padded rows).</summary>
    internal unsafe Memory.MatrixView WView =>
        new((float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_paddedW)), Components, Pixels.KeptCount, WStride);

    /// <summary>The model of W (<paramref name="components"/> diffractions of <paramref name="pixels"/>' full detector,
    /// k × DetRows × DetCols row-major; masked pixels are ignored) with the given map constraint.</summary>
    /// <exception cref="ArgumentException">W's length does not match, or holds a non-finite value; k is below 1.</exception>
    public static NmfModel Create(ReadOnlySpan<float> w, int components, PixelMap pixels, MapConstraint mapConstraint = MapConstraint.Convolution, ConvolutionKernel? mapKernel = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        if (w.Length != (long)components * pixels.DetectorPixels)
        {
            throw new ArgumentException($"W of {components} diffractions of {pixels.DetRows}×{pixels.DetCols} pixels needs {(long)components * pixels.DetectorPixels} values, got {w.Length}.", nameof(w));
        }

        float[] kept = pixels.Unfold(w, components);
        int bad = Array.FindIndex(kept, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new ArgumentException($"W holds {kept[bad]} (component {bad / pixels.KeptCount}, kept pixel {bad % pixels.KeptCount}); a model needs finite diffractions.", nameof(w));
        }

        return new NmfModel(kept, components, pixels, mapConstraint, mapKernel ?? NmfOptions.PaperMapKernel);
    }

    /// <summary>A model over W as the kept pixels' rows (k × n_kept, taken over, not copied): the live learner's W.</summary>
    internal static NmfModel FromKept(float[] keptW, int components, PixelMap pixels, MapConstraint mapConstraint, ConvolutionKernel mapKernel) =>
        new(keptW, components, pixels, mapConstraint, mapKernel);

    /// <summary>The model of a run: its W and pixel map, and the map constraint it applied (for ALS and MU, [·]₊).</summary>
    public static NmfModel FromResult(NmfResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        NmfOptions o = result.Options;
        MapConstraint map = o.Method == NmfMethod.Constrained ? o.MapConstraint : MapConstraint.NonNegative;
        return new NmfModel(result.Pixels.Unfold(result.W, result.Components), result.Components, result.Pixels, map, o.MapKernel);
    }

    /// <summary>The model a <c>fastnmf factorize</c> output directory holds: W.npy and summary.json (its mask, map
    /// constraint, kernel and centre). results.h5 is read by <c>FastNmf.Hdf5.Results.ResultsFile.ReadModel</c>.</summary>
    /// <exception cref="IO.DataFormatException">a file is missing or malformed (the message names it).</exception>
    public static NmfModel Load(string directory) => ModelFiles.Load(directory);

    /// <summary>The same W with another map constraint (e.g. <see cref="MapConstraint.NonNegative"/> to see the
    /// unsmoothed projection).</summary>
    public NmfModel WithMapConstraint(MapConstraint constraint, ConvolutionKernel? kernel = null) =>
        new(_keptW, Components, Pixels, constraint, kernel ?? MapKernel);

    /// <summary>A projector with scratch for up to <paramref name="maxFramesPerCall"/> frames per internal step (any
    /// count per call); use one per thread.</summary>
    public ModelProjector CreateProjector(int maxFramesPerCall = 256) => new(this, maxFramesPerCall);

    /// <summary>
    /// Projects X (read with this model's pixel map) onto W: every frame's h, then — for a whole scan — the map
    /// constraint over the complete maps, exactly as the factorization's H-step: <c>[K ∗ (WᵀW)⁻¹WᵀX]₊</c>. Parallel over
    /// frames on <paramref name="threads"/> threads.
    /// </summary>
    /// <exception cref="ArgumentException">X's detector geometry (shape or kept pixels) is not the model's.</exception>
    public Projection Project(UnfoldedData x, int threads = 0) => ScanProjection.Run(this, x, threads < 1 ? Environment.ProcessorCount : threads, Distributed.Communicator.Single);

    /// <summary>The projection of X held by the ranks of <paramref name="communicator"/> (collective): each rank projects
    /// its slab and, for [·]_H, reads its neighbours' edge rows; the result holds this rank's columns of H.</summary>
    /// <exception cref="ArgumentException">X's geometry is not the model's, or a slab is thinner than the kernel reaches.</exception>
    public Projection Project(UnfoldedData x, int threads, Distributed.Communicator communicator) =>
        ScanProjection.Run(this, x, threads < 1 ? Environment.ProcessorCount : threads, communicator);

    internal void CheckGeometry(PixelMap pixels, string what)
    {
        if (!pixels.SameGeometry(Pixels))
        {
            throw new ArgumentException(
                $"{what} is {pixels.DetRows}×{pixels.DetCols} with {pixels.KeptCount} kept pixels; the model's W is {Pixels.DetRows}×{Pixels.DetCols} with {Pixels.KeptCount} kept pixels (the same crop, binning and mask are needed).");
        }
    }
}
