using System.Numerics.Tensors;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Factorization;

/// <summary>
/// Step 4 for every component of every active restart in one parallel run: [·]₊ or [·]_W, then unit L1 norm. Each
/// thread owns its <see cref="DarkSpotFill"/> and detector image (the fill keeps scratch); a component's result does not
/// depend on which thread ran it.
/// </summary>
internal sealed class ConstrainWWork : ITeamWork
{
    private readonly PixelMap _pixels;
    private readonly DiffractionConstraint _kind;
    private readonly DarkSpotFill?[] _fills;
    private readonly float[][] _images;
    private readonly bool _identityMask;
    private readonly int[] _components;

    public ConstrainWWork(PixelMap pixels, DiffractionConstraint kind, PolarConstraintOptions polar, KernelSet kernels, int threads, int maxComponents)
    {
        _pixels = pixels;
        _kind = kind;
        _identityMask = pixels.KeepsAll;
        _fills = Enumerable.Range(0, threads)
            .Select(_ => kind == DiffractionConstraint.DarkSpotFill ? DarkSpotFill.Create(pixels.DetRows, pixels.DetCols, pixels.Masked, polar, kernels.Polar) : null)
            .ToArray();
        _images = Enumerable.Range(0, threads).Select(_ => _identityMask ? [] : new float[pixels.DetectorPixels]).ToArray();
        _components = new int[maxComponents];
    }

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
        DarkSpotFill? fill = _fills[part];
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
        }
    }
}
