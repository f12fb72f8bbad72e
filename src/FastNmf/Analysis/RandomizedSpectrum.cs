using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.Gemm;
using FastNmf.Memory;
using FastNmf.Numerics;

namespace FastNmf.Analysis;

/// <summary>
/// Leading eigenvalues of XXᵀ by randomised subspace iteration (Halko, Martinsson &amp; Tropp 2011, Alg. 4.4) on the
/// frame-major X itself: a Gaussian start Ω (l × n_uv, l = count + oversampling), then alternately
/// Q = orth(Ω·Xᵀ) over frames and P = orth(Q·X) over pixels — two passes over X per iteration, each a product the
/// NMF already has (W·Xᵀ and H·X) — with Rayleigh–Ritz values from eig((Q·X)(Q·X)ᵀ) after every pass pair. Ritz values
/// never exceed the true ones, so each rank-k residual falls towards its limit; iteration stops when every one of them
/// (k ≤ count) moved by less than the tolerance times itself.
/// </summary>
internal static class RandomizedSpectrum
{
    public static (double[] Eigenvalues, int Iterations, bool Converged) Run(UnfoldedData x, IXOperand xop, IFactorProducts products, int count, PcaOptions options)
    {
        int l = Math.Min(count + options.Oversampling, Math.Min(x.NXy, x.NUv));
        long strideUv = (x.NUv + 15L) & ~15L;
        long strideXy = (x.NXy + 15L) & ~15L;
        using var pixelSide = new AlignedBuffer<float>(l * strideUv, "PCA pixel basis");
        using var frameSide = new AlignedBuffer<float>(l * strideXy, "PCA frame basis");
        MatrixView p = MatrixView.Over(pixelSide, l, x.NUv, strideUv);
        MatrixView q = MatrixView.Over(frameSide, l, x.NXy, strideXy);
        for (int i = 0; i < l; i++)
        {
            var rng = new SeededRandom(SeededRandom.Derive(options.Seed, (ulong)i));
            Span<float> row = p.Row(i);
            for (int u = 0; u < row.Length; u++)
            {
                row[u] = (float)rng.NextGaussian();
            }
        }

        var gram = new double[l * l];
        double[] previous = [];
        double[] ritz = [];
        for (int iteration = 1; iteration <= options.MaxIterations; iteration++)
        {
            xop.MultiplyWX(p, q);      // Q = P·Xᵀ (l × n_xy)
            RowBasis.Orthonormalize(q);
            xop.MultiplyHX(q, p);      // P = Q·X (l × n_uv): its Gram holds the Ritz values
            products.Gram(p, gram);
            ritz = SymmetricEigenvalues.Largest((double[])gram.Clone(), l, Math.Min(count, l));
            if (previous.Length > 0 && Settled(previous, ritz, x.SumOfSquares, options.Tolerance))
            {
                return (ritz, iteration, true);
            }

            previous = ritz;
            RowBasis.Orthonormalize(p);
        }

        return (ritz, options.MaxIterations, false);
    }

    private static bool Settled(double[] before, double[] after, double total, double tolerance)
    {
        double sumBefore = 0;
        double sumAfter = 0;
        for (int k = 0; k < after.Length; k++)
        {
            sumBefore += before[k];
            sumAfter += after[k];
            double residual = Math.Max(total - sumAfter, 0);
            if (Math.Abs(sumAfter - sumBefore) > tolerance * residual)
            {
                return false;
            }
        }

        return true;
    }
}
