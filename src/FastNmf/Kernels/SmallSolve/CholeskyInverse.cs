namespace FastNmf.Kernels.SmallSolve;

/// <summary>
/// Inverse of a small symmetric positive-definite matrix (HHᵀ or WᵀW, k × k) through its Cholesky factor, in double.
/// When the matrix is singular or indefinite to working precision (a dead component, two identical components),
/// a ridge <c>λ·I</c> is added, starting at 1e-10·mean(diag) and growing ×100 until the factorization succeeds;
/// the applied λ is returned so the solver can report it. The result is the exact inverse of <c>G + λI</c>.
/// </summary>
internal static class CholeskyInverse
{
    private const double InitialRelativeRidge = 1e-10;

    /// <summary>Writes (G + λI)⁻¹ into <paramref name="inverse"/>; returns λ (0 when none was needed).</summary>
    /// <param name="gram">k×k row-major, symmetric.</param>
    /// <param name="inverse">k×k output.</param>
    /// <param name="scratch">at least k×k doubles.</param>
    /// <param name="k">matrix order.</param>
    public static double Invert(ReadOnlySpan<double> gram, Span<double> inverse, Span<double> scratch, int k)
    {
        if (gram.Length < k * k || inverse.Length < k * k || scratch.Length < k * k)
        {
            throw new ArgumentException($"Cholesky inverse of {k}×{k}: buffers too small.");
        }

        double meanDiag = 0;
        for (int i = 0; i < k; i++)
        {
            meanDiag += Math.Abs(gram[i * k + i]);
        }

        meanDiag = meanDiag > 0 && double.IsFinite(meanDiag) ? meanDiag / k : 1.0;
        double ridge = 0;
        for (int attempt = 0; attempt < 24; attempt++)
        {
            if (TryFactor(gram, scratch, k, ridge))
            {
                InvertFromFactor(scratch, inverse, k);
                return ridge;
            }

            ridge = ridge == 0 ? InitialRelativeRidge * meanDiag : ridge * 100;
        }

        // Unreachable for finite input: a ridge of 1e36·mean(diag) dominates any finite matrix.
        throw new ArithmeticException($"the {k}×{k} Gram matrix is not finite; cannot invert it.");
    }

    /// <summary>Lower Cholesky factor of G + ridge·I into l; false when a pivot is not safely positive.</summary>
    internal static bool TryFactor(ReadOnlySpan<double> g, Span<double> l, int k, double ridge)
    {
        l[..(k * k)].Clear();

        // Pivots are judged against the largest diagonal: a component whose own scale is negligible next to the others
        // (a dying component) is as singular as a zero one and must get the ridge too.
        double maxDiag = 0;
        for (int i = 0; i < k; i++)
        {
            maxDiag = Math.Max(maxDiag, Math.Abs(g[i * k + i]));
        }

        for (int j = 0; j < k; j++)
        {
            double diag = g[j * k + j] + ridge;
            for (int p = 0; p < j; p++)
            {
                diag -= l[j * k + p] * l[j * k + p];
            }

            // Float data cannot support a solve conditioned worse than ~1e7: treat such pivots as singular too.
            if (!(diag > 1e-7 * (maxDiag + ridge)) || !double.IsFinite(diag))
            {
                return false;
            }

            double ljj = Math.Sqrt(diag);
            l[j * k + j] = ljj;
            for (int i = j + 1; i < k; i++)
            {
                double s = g[i * k + j];
                for (int p = 0; p < j; p++)
                {
                    s -= l[i * k + p] * l[j * k + p];
                }

                l[i * k + j] = s / ljj;
            }
        }

        return true;
    }

    private static void InvertFromFactor(ReadOnlySpan<double> l, Span<double> inverse, int k)
    {
        // Solve L Lᵀ x = e_c column by column.
        Span<double> y = k <= 256 ? stackalloc double[k] : new double[k];
        for (int c = 0; c < k; c++)
        {
            for (int i = 0; i < k; i++)
            {
                double s = i == c ? 1.0 : 0.0;
                for (int p = 0; p < i; p++)
                {
                    s -= l[i * k + p] * y[p];
                }

                y[i] = s / l[i * k + i];
            }

            for (int i = k - 1; i >= 0; i--)
            {
                double s = y[i];
                for (int p = i + 1; p < k; p++)
                {
                    s -= l[p * k + i] * inverse[p * k + c];
                }

                inverse[i * k + c] = s / l[i * k + i];
            }
        }
    }
}
