using System.Numerics.Tensors;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.Polar;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Factorization;

/// <summary>
/// Step 4 for every component of every active restart in one parallel run: [·]₊ or [·]_W, then unit L1 norm. Each
/// thread owns its fill (<see cref="IDarkSpotFill"/>) and detector image (the fill keeps scratch); a component's result does not
/// depend on which thread ran it.
/// </summary>
internal sealed class ConstrainWWork : ITeamWork
{
    private readonly PixelMap _pixels;
    private readonly DiffractionConstraint _kind;
    private readonly IDarkSpotFill?[] _fills;
    private readonly float[][] _images;
    private readonly bool _identityMask;
    private readonly int[] _components;
    private readonly int _radii;
    private readonly double[] _baselines;
    private readonly int[] _pixelsPerRadius;

    public ConstrainWWork(PixelMap pixels, DiffractionConstraint kind, PolarConstraintOptions polar, KernelSet kernels, int threads, int maxComponents)
    {
        _pixels = pixels;
        _kind = kind;
        _identityMask = pixels.KeepsAll;
        _fills = Enumerable.Range(0, threads)
            .Select(_ => kind == DiffractionConstraint.DarkSpotFill ? IDarkSpotFill.Create(pixels.DetRows, pixels.DetCols, pixels.Masked, polar, kernels.Polar) : null)
            .ToArray();
        _images = Enumerable.Range(0, threads).Select(_ => _identityMask ? [] : new float[pixels.DetectorPixels]).ToArray();
        _components = new int[maxComponents];
        PolarSamplingMap? map = _fills[0]?.Map;
        _radii = map?.Radii ?? 0;
        _baselines = new double[maxComponents * _radii];
        _pixelsPerRadius = new int[_radii + 1];
        if (map is not null)
        {
            foreach (int r in map.PixelFloor)
            {
                _pixelsPerRadius[r]++;
            }
        }
    }

    /// <summary>Radii of [·]_W's sampling; 0 when the run has no fill (then there are no baselines).</summary>
    public int Radii => _radii;

    /// <summary>Per table entry (<see cref="Row"/>), the fill's radial baselines of the last run on the scale of the
    /// normalised row: <see cref="Radii"/> values each, NaN where a radius had no usable sample.</summary>
    public ReadOnlySpan<double> Baselines => _baselines;

    /// <summary>Detector pixels whose radius floor is r, per r (the last entry: pixels beyond the largest radius or masked).</summary>
    public ReadOnlySpan<int> PixelsPerRadius => _pixelsPerRadius;

    /// <summary>Row of <see cref="W"/> that table entry <paramref name="i"/> constrains.</summary>
    public Span<float> Row(int i) => W.Row(_components[i]);

    /// <summary>The stacked W the next run constrains.</summary>
    public MatrixView W { get; set; }

    /// <summary>When set, each constrained row's L1 norm before its normalisation (by the component table's order):
    /// the live learner rescales its statistics by them.</summary>
    public float[]? Norms { get; set; }

    /// <summary>Number of rows of <see cref="W"/> listed in the component table.</summary>
    public int Count { get; private set; }

    /// <summary>Lists the rows to constrain (the components of the active restarts).</summary>
    public void Select(ReadOnlySpan<bool> active, int k)
    {
        Count = 0;
        for (int r = 0; r < active.Length; r++)
        {
            if (active[r])
            {
                for (int c = 0; c < k; c++)
                {
                    _components[Count++] = (r * k) + c;
                }
            }
        }
    }

    public void Execute(int part, int start, int end)
    {
        IDarkSpotFill? fill = _fills[part];
        for (int i = start; i < end; i++)
        {
            Span<float> row = W.Row(_components[i]);
            if (_kind != DiffractionConstraint.None)
            {
                TensorPrimitives.Max(row, 0f, row);
            }

            if (fill is not null)
            {
                if (_identityMask)
                {
                    fill.Apply(row);
                }
                else
                {
                    float[] image = _images[part];
                    _pixels.Scatter(row, image);
                    fill.Apply(image);
                    _pixels.Gather(image, row);
                }
            }

            // Each diffraction to unit L1 norm. For primitive ALS this changes nothing in exact arithmetic (Eq. 6
            // absorbs the scale and [·]₊ commutes with positive scaling) but keeps WᵀW well scaled when a component dies.
            float norm = TensorPrimitives.SumOfMagnitudes(row);
            if (Norms is not null)
            {
                Norms[i] = norm;
            }

            if (norm > 0 && float.IsFinite(norm))
            {
                TensorPrimitives.Divide(row, norm, row);
            }

            if (fill is not null)
            {
                // The fill's radial baselines on the scale of the normalised row (for SymmetricShareWork).
                Span<double> kept = _baselines.AsSpan(i * _radii, _radii);
                fill.Baseline.CopyTo(kept);
                double scale = norm > 0 && float.IsFinite(norm) ? 1.0 / norm : 1.0;
                for (int r = 0; r < _radii; r++)
                {
                    kept[r] *= scale;
                }
            }
        }
    }
}
