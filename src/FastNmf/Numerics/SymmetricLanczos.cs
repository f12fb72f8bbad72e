using System.Numerics.Tensors;

namespace FastNmf.Numerics;

/// <summary>
/// The few largest eigenvalues of a dense symmetric matrix by Lanczos iteration with full reorthogonalisation (every
/// new direction made orthogonal to all earlier ones, twice where once is not enough), in double: each step is one matrix–vector product (rows
/// in parallel) instead of <see cref="SymmetricEigenvalues"/>' O(n³) reduction. The Ritz values (eigenvalues of the
/// growing tridiagonal matrix, <see cref="SymmetricEigenvalues.LargestOfTridiagonal"/>) rise monotonically towards the
/// largest eigenvalues; the iteration stops when none of the wanted ones moved by more than 10⁻¹³ of the largest over
/// the last <see cref="CheckEvery"/> steps, or when the space is the whole space (then they are exact). The PCA Gram
/// matrix of the paper's set (1296²) takes 326 ms by reduction (Emerald Rapids); its 20–30 largest take a few
/// hundred Lanczos steps, each a pass over the matrix.
/// </summary>
internal static class SymmetricLanczos
{
    private const int CheckEvery = 8;
    private const double Settled = 1e-13;

    /// <summary>The <paramref name="count"/> largest eigenvalues, descending, of the n × n row-major symmetric matrix
    /// <paramref name="a"/> (only read), from a start vector drawn with <paramref name="seed"/>.</summary>
    public static double[] Largest(double[] a, int n, int count, ulong seed = 1)
    {
        if (a.Length < (long)n * n || count < 1 || count > n)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "matrix and count do not fit.");
        }

        return Run(new DoubleRows(a, n), n, count, seed);
    }

    /// <summary>The same for a matrix of float entries (a Gram matrix of float dot products: exactly its values in half
    /// the bytes, so each step's pass over it reads half as much); the iteration itself is in double.</summary>
    public static double[] Largest(float[] a, int n, int count, ulong seed = 1)
    {
        if (a.Length < (long)n * n || count < 1 || count > n)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "matrix and count do not fit.");
        }

        return Run(new FloatRows(a, n), n, count, seed);
    }

    private static double[] Run<TRows>(TRows a, int n, int count, ulong seed)
        where TRows : struct, IRows
    {
        var basis = new List<double[]>();
        var alpha = new List<double>();
        var beta = new List<double>();
        var rng = new SeededRandom(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = rng.NextGaussian();
        }

        Normalise(v);
        var w = new double[n];
        double[] previous = [];
        double[] ritz = [];
        while (true)
        {
            basis.Add(v);
            Multiply(a, n, v, w);
            double al = TensorPrimitives.Dot<double>(w, v);
            alpha.Add(al);
            if (basis.Count == n)
            {
                return Ritz(alpha, beta, count);
            }

            // The three-term recurrence, then w ⟂ every earlier direction: once, and again where that pass removed more
            // than rounding (the norm fell below 1/√2 of what it was: Daniel–Gragg–Kaufman–Stewart), since Gram–Schmidt
            // alone loses orthogonality on a clustered spectrum.
            TensorPrimitives.MultiplyAdd(v, -al, w, w);
            if (basis.Count > 1)
            {
                TensorPrimitives.MultiplyAdd(basis[^2], -beta[^1], w, w);
            }

            double b = Math.Sqrt(TensorPrimitives.Dot<double>(w, w));
            for (int pass = 0; pass < 2; pass++)
            {
                foreach (double[] q in basis)
                {
                    TensorPrimitives.MultiplyAdd(q, -TensorPrimitives.Dot<double>(w, q), w, w);
                }

                double after = Math.Sqrt(TensorPrimitives.Dot<double>(w, w));
                bool enough = after >= 0.7071067811865476 * b;
                b = after;
                if (enough)
                {
                    break;
                }
            }

            if (!(b > 1e-14 * Math.Max(1, Math.Abs(alpha[0]))))
            {
                // An invariant subspace: its Ritz values are eigenvalues; when it is too small, restart orthogonally.
                if (basis.Count >= count)
                {
                    return Ritz(alpha, beta, count);
                }

                w = Restart(basis, n, rng);
                b = 0;
            }

            beta.Add(b);
            v = w;
            if (b > 0)
            {
                TensorPrimitives.Divide(v, b, v);
            }

            w = new double[n];
            if (basis.Count >= count + CheckEvery && basis.Count % CheckEvery == 0)
            {
                ritz = Ritz(alpha, beta, count);
                if (previous.Length == count && Converged(previous, ritz))
                {
                    return ritz;
                }

                previous = ritz;
            }
        }
    }

    private static bool Converged(double[] before, double[] after)
    {
        double scale = Math.Abs(after[0]);
        for (int i = 0; i < after.Length; i++)
        {
            if (Math.Abs(after[i] - before[i]) > Settled * scale)
            {
                return false;
            }
        }

        return true;
    }

    private static double[] Ritz(List<double> alpha, List<double> beta, int count)
    {
        double[] d = [.. alpha];
        double[] e = [.. beta.GetRange(0, d.Length - 1)];
        return SymmetricEigenvalues.LargestOfTridiagonal(d, e, Math.Min(count, d.Length));
    }

    // y = A·x, rows in parallel for large matrices.
    private static void Multiply<TRows>(TRows a, int n, double[] x, double[] y)
        where TRows : struct, IRows
    {
        if (n < 256)
        {
            for (int i = 0; i < n; i++)
            {
                y[i] = a.Dot(i, x);
            }

            return;
        }

        Parallel.For(0, (n + 63) / 64, block =>
        {
            for (int i = block * 64; i < Math.Min(n, (block + 1) * 64); i++)
            {
                y[i] = a.Dot(i, x);
            }
        });
    }

    // A row of the matrix times a vector, in double.
    private interface IRows
    {
        double Dot(int row, double[] x);
    }

    private readonly struct DoubleRows(double[] a, int n) : IRows
    {
        public double Dot(int row, double[] x) => TensorPrimitives.Dot<double>(a.AsSpan(row * n, n), x);
    }

    private readonly struct FloatRows(float[] a, int n) : IRows
    {
        public double Dot(int row, double[] x) => Kernels.Reductions.DoubleReductions.Dot(a.AsSpan(row * n, n), x);
    }

    private static double[] Restart(List<double[]> basis, int n, SeededRandom rng)
    {
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            w[i] = rng.NextGaussian();
        }

        for (int pass = 0; pass < 2; pass++)
        {
            foreach (double[] q in basis)
            {
                TensorPrimitives.MultiplyAdd(q, -TensorPrimitives.Dot<double>(w, q), w, w);
            }
        }

        Normalise(w);
        return w;
    }

    private static void Normalise(double[] v) => TensorPrimitives.Divide(v, Math.Sqrt(TensorPrimitives.Dot<double>(v, v)), v);
}
