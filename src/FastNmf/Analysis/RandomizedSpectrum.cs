using FastNmf.Data;
using FastNmf.Storage;
using FastNmf.Kernels;
using FastNmf.Memory;
using FastNmf.Numerics;

namespace FastNmf.Analysis;

/// <summary>
/// Leading eigenvalues of XXᵀ by randomised block Krylov iteration (block Lanczos with full reorthogonalisation; Musco
/// &amp; Musco 2015) on the frame-major X itself. A Gaussian block Ω (b × n_uv) starts the Krylov space of AAᵀ over
/// frames: Y₀ = Ω·Xᵀ, and each step orthonormalises the new block against all earlier ones (Q_i, in double), maps it
/// through X (Z_i = Q_i·X, the H·X product) and back (Y_{i+1} = Z_i·Xᵀ, the W·Xᵀ product) — two passes over X per step
/// with b rows, the products the NMF already has. The Ritz values are the eigenvalues of Z·Zᵀ = Q·XXᵀ·Qᵀ over all
/// blocks so far; the subspaces are nested, so every Ritz value rises monotonically towards its eigenvalue (never past
/// it) and each rank-k residual ‖X‖² − Σ_{i≤k} θ_i falls towards the true one. Iteration stops when no residual
/// (k ≤ count) moved by more than the tolerance times itself in one step, or when the Krylov space is the whole space
/// (then the values are exact). Krylov spaces converge much faster than plain subspace iteration on the flat noise
/// part of a spectrum, which is where the MSE of high ranks lives.
/// </summary>
internal static class RandomizedSpectrum
{
    public static (double[] Eigenvalues, int Steps, bool Converged) Run(UnfoldedData x, IXOperand xop, FoldedHX hx, int count, PcaOptions options)
    {
        int b = Math.Min(options.BlockSize, Math.Min(x.NXy, x.NUv));
        int limit = Math.Min(Math.Min(x.NXy, x.NUv), b * options.MaxIterations);
        long strideUv = (x.NUv + 15L) & ~15L;
        long strideXy = (x.NXy + 15L) & ~15L;
        using var pixelBlock = new AlignedBuffer<float>(b * strideUv, "PCA pixel block");
        using var frameBlock = new AlignedBuffer<float>(b * strideXy, "PCA frame block");
        MatrixView z = MatrixView.Over(pixelBlock, b, x.NUv, strideUv);
        MatrixView y = MatrixView.Over(frameBlock, b, x.NXy, strideXy);
        for (int i = 0; i < b; i++)
        {
            var rng = new SeededRandom(SeededRandom.Derive(options.Seed, (ulong)i));
            Span<float> row = z.Row(i);
            for (int u = 0; u < row.Length; u++)
            {
                row[u] = (float)rng.NextGaussian();
            }
        }

        xop.MultiplyWX(z, y); // Y₀ = Ω·Xᵀ
        var q = new List<double[]>();
        var zs = new List<double[]>();
        var gram = new List<double[]>(); // lower triangle of Z·Zᵀ, row i has i + 1 entries
        double[] previous = [];
        double[] ritz = [];
        int steps = 0;
        while (q.Count < limit)
        {
            steps++;
            int added = RowBasis.Extend(q, y, Math.Min(y.Rows, limit - q.Count));
            if (added == 0)
            {
                break; // the Krylov space is invariant: the Ritz values are exact
            }

            MatrixView block = y.RowSlice(0, added);
            MatrixView zBlock = z.RowSlice(0, added);
            for (int i = 0; i < added; i++)
            {
                double[] row = q[q.Count - added + i];
                Span<float> target = block.Row(i);
                for (int j = 0; j < row.Length; j++)
                {
                    target[j] = (float)row[j];
                }
            }

            options.Progress?.Invoke($"Krylov step {steps}: {q.Count} of at most {limit} directions");
            hx.Multiply(block, zBlock); // Z_i = Q_i·X
            ExtendGram(zs, gram, zBlock);
            ritz = Ritz(gram, Math.Min(count, gram.Count));
            if (ritz.Length == count && previous.Length == count && Settled(previous, ritz, x.SumOfSquares, options.Tolerance))
            {
                return (ritz, steps, true);
            }

            previous = ritz;
            if (q.Count < limit)
            {
                xop.MultiplyWX(zBlock, y.RowSlice(0, added)); // Y_{i+1} = Z_i·Xᵀ = (XXᵀ)·Q_i over frames
                y = y.RowSlice(0, added);
            }
        }

        // Whole space spanned (or no new directions): exact up to rounding. Pad with zeros past the rank.
        bool exact = q.Count >= Math.Min(x.NXy, x.NUv) || q.Count < limit;
        return (ritz.Length == count ? ritz : [.. ritz, .. new double[count - ritz.Length]], steps, exact);
    }

    private static void ExtendGram(List<double[]> zs, List<double[]> gram, MatrixView block)
    {
        for (int i = 0; i < block.Rows; i++)
        {
            var row = new double[block.Cols];
            Span<float> source = block.Row(i);
            for (int u = 0; u < row.Length; u++)
            {
                row[u] = source[u];
            }

            zs.Add(row);
            var g = new double[zs.Count];
            Parallel.For(0, zs.Count, j => g[j] = System.Numerics.Tensors.TensorPrimitives.Dot<double>(row, zs[j]));
            gram.Add(g);
        }
    }

    private static double[] Ritz(List<double[]> gram, int count)
    {
        int m = gram.Count;
        var a = new double[m * m];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                a[(i * m) + j] = a[(j * m) + i] = gram[i][j];
            }
        }

        return SymmetricEigenvalues.Top(a, m, count);
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
