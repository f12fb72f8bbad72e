using FastNmf.Data;
using FastNmf.Distributed;
using FastNmf.Memory;
using FastNmf.Numerics;
using FastNmf.Storage;

namespace FastNmf.Analysis;

/// <summary>
/// The leading eigenvalues of X's Gram matrix when X is split over ranks: randomised block Krylov in pixel space, whose
/// basis every rank holds alike. A step is one pass of each product over the local frames — <c>Y = V·Xᵀ</c> (local),
/// <c>Z = Y·X = (XᵀX)V</c> reduced exactly over the ranks — and the Ritz values come from <c>VᵀZ</c>, so every rank
/// computes the same spectrum whatever the split. The eigenvalues are those of the one-process PCA to its tolerance.
/// </summary>
internal static class DistributedSpectrum
{
    public static (double[] Eigenvalues, int Steps, bool Converged) Run(UnfoldedData x, IXOperand xop, FoldedHX hx, Communicator comm, XStatistics stats, int count, PcaOptions options)
    {
        int nUv = x.NUv;
        int b = Math.Min(options.BlockSize, Math.Min(nUv, (int)Math.Min(stats.Frames, int.MaxValue)));
        int limit = Math.Min(Math.Min(nUv, (int)Math.Min(stats.Frames, int.MaxValue)), b * options.MaxIterations);
        long strideUv = (nUv + 15L) & ~15L;
        long strideXy = (x.NXy + 15L) & ~15L;
        using var pixelBlock = new AlignedBuffer<float>(b * strideUv, "PCA pixel block");
        using var productBlock = new AlignedBuffer<float>(b * strideUv, "PCA (XᵀX)V block");
        using var frameBlock = new AlignedBuffer<float>(b * Math.Max(1, strideXy), "PCA frame block");
        var basis = new List<double[]>();
        var products = new List<double[]>();
        var ritzRows = new List<double[]>(); // lower triangle of Qᵀ(XᵀX)Q, row i has i + 1 entries
        var start = new float[b * nUv];
        var rng = new SeededRandom(SeededRandom.Derive(options.Seed, 0x9e37));
        for (int i = 0; i < start.Length; i++)
        {
            start[i] = (float)rng.NextGaussian();
        }

        MatrixView v = MatrixView.Over(pixelBlock, b, nUv, strideUv);
        for (int i = 0; i < b; i++)
        {
            start.AsSpan(i * nUv, nUv).CopyTo(v.Row(i));
        }

        double[] previous = [];
        double[] ritz = [];
        int steps = 0;
        while (basis.Count < limit)
        {
            steps++;
            int added = RowBasis.Extend(basis, v, Math.Min(b, limit - basis.Count));
            if (added == 0)
            {
                break;
            }

            MatrixView block = v.RowSlice(0, added);
            for (int i = 0; i < added; i++)
            {
                double[] row = basis[basis.Count - added + i];
                Span<float> target = block.Row(i);
                for (int u = 0; u < nUv; u++)
                {
                    target[u] = (float)row[u];
                }
            }

            options.Progress?.Invoke($"Krylov step {steps}: {basis.Count} of at most {limit} directions");
            MatrixView y = MatrixView.Over(frameBlock, added, x.NXy, Math.Max(1, strideXy));
            xop.MultiplyWX(block, y);                                    // Y = V·Xᵀ over this rank's frames
            MatrixView z = MatrixView.Over(productBlock, added, nUv, strideUv);
            hx.Multiply(y, z);                                           // Z = Y·X = (XᵀX)·V, summed over the ranks
            for (int i = 0; i < added; i++)
            {
                var row = new double[nUv];
                Span<float> source = z.Row(i);
                for (int u = 0; u < nUv; u++)
                {
                    row[u] = source[u];
                }

                products.Add(row);
                ritzRows.Add(RitzRow(basis, products, products.Count - 1));
            }

            ritz = Ritz(ritzRows, Math.Min(count, basis.Count));
            if (ritz.Length == count && previous.Length == count && Settled(previous, ritz, stats.SumOfSquares, options.Tolerance))
            {
                return (ritz, steps, true);
            }

            previous = ritz;
            // The next block: Z, to be orthonormalised against the basis.
            for (int i = 0; i < added; i++)
            {
                z.Row(i).CopyTo(v.Row(i));
            }

            v = v.RowSlice(0, added);
        }

        bool exact = basis.Count >= Math.Min(nUv, stats.Frames) || basis.Count < limit;
        return (ritz.Length == count ? ritz : [.. ritz, .. new double[count - ritz.Length]], steps, exact);
    }

    // Row i of Qᵀ(XᵀX)Q = [q_i · z_j], symmetrised against rounding: computed once, when z_i arrives.
    private static double[] RitzRow(List<double[]> basis, List<double[]> products, int i)
    {
        var row = new double[i + 1];
        Parallel.For(0, i + 1, j => row[j] = 0.5 * (System.Numerics.Tensors.TensorPrimitives.Dot<double>(basis[i], products[j])
            + System.Numerics.Tensors.TensorPrimitives.Dot<double>(basis[j], products[i])));
        return row;
    }

    // The Rayleigh–Ritz values: the eigenvalues of the projected matrix.
    private static double[] Ritz(List<double[]> rows, int count)
    {
        int m = rows.Count;
        var a = new double[m * m];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                a[(i * m) + j] = a[(j * m) + i] = rows[i][j];
            }
        }

        return SymmetricEigenvalues.Top(a, m, count);
    }

    private static bool Settled(double[] before, double[] after, double total, double tolerance)
    {
        double sumBefore = 0, sumAfter = 0;
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
