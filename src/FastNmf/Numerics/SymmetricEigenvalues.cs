using System.Numerics.Tensors;

namespace FastNmf.Numerics;

/// <summary>
/// Eigenvalues of a dense real symmetric matrix in double: Householder reduction to tridiagonal form (one reflector per
/// column, applied as the symmetric rank-2 update B − v·wᵀ − w·vᵀ with row operations from TensorPrimitives), then the
/// wanted eigenvalues of the tridiagonal matrix by bisection on Sturm counts (each to a few ulps of the matrix norm).
/// O(4/3·n³) for the reduction; the bisection is O(n) per step.
/// </summary>
internal static class SymmetricEigenvalues
{
    /// <summary>
    /// The <paramref name="count"/> largest eigenvalues, descending, of the n × n row-major symmetric matrix
    /// <paramref name="a"/> (possibly overwritten), by whichever route is cheaper: the reduction below for small
    /// matrices or many eigenvalues, Lanczos (<see cref="SymmetricLanczos"/>) when a few of a large one are wanted.
    /// </summary>
    public static double[] Top(double[] a, int n, int count) =>
        LanczosPays(n, count) ? SymmetricLanczos.Largest(a, n, count) : Largest(a, n, count);

    /// <summary><see cref="Top(double[], int, int)"/> for a matrix of float entries: Lanczos reads them as they are, the
    /// reduction takes a double copy.</summary>
    public static double[] Top(float[] a, int n, int count)
    {
        if (LanczosPays(n, count))
        {
            return SymmetricLanczos.Largest(a, n, count);
        }

        var copy = new double[(long)n * n];
        for (long i = 0; i < copy.Length; i++)
        {
            copy[i] = a[i];
        }

        return Largest(copy, n, count);
    }

    // A few eigenvalues of a large matrix: Lanczos's passes over it cost less than the O(n³) reduction.
    private static bool LanczosPays(int n, int count) => n > (4 * count) + 128;

    /// <summary>The <paramref name="count"/> largest eigenvalues, descending, of the n × n row-major symmetric matrix
    /// <paramref name="a"/> (overwritten).</summary>
    public static double[] Largest(double[] a, int n, int count)
    {
        if (a.Length < n * n || count < 0 || count > n)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "matrix and count do not fit.");
        }

        var d = new double[n];
        var e = new double[Math.Max(n - 1, 0)];
        Tridiagonalize(a, n, d, e);
        return LargestOfTridiagonal(d, e, count);
    }

    /// <summary>Reduces a (n × n, row-major, symmetric, overwritten) to a tridiagonal matrix with diagonal d and
    /// off-diagonal e having the same eigenvalues.</summary>
    public static void Tridiagonalize(double[] a, int n, double[] d, double[] e)
    {
        var v = new double[n];
        var p = new double[n];
        for (int k = 0; k < n - 2; k++)
        {
            int m = n - k - 1;

            // Column k below the diagonal equals row k right of it (symmetry): contiguous.
            ReadOnlySpan<double> x = a.AsSpan((k * n) + k + 1, m);
            double norm = Math.Sqrt(TensorPrimitives.Dot(x, x));
            d[k] = a[(k * n) + k];
            if (norm == 0)
            {
                e[k] = 0;
                continue;
            }

            // Reflector H = I − 2·v·vᵀ (‖v‖ = 1) with H·x = α·e₁, α of the sign opposite to x₀ (no cancellation).
            double alpha = x[0] > 0 ? -norm : norm;
            Span<double> vs = v.AsSpan(0, m);
            x.CopyTo(vs);
            vs[0] -= alpha;
            TensorPrimitives.Multiply(vs, 1 / Math.Sqrt(TensorPrimitives.Dot(vs, vs)), vs);
            e[k] = alpha;

            // p = 2·B·v, w = p − (vᵀp)·v, B ← B − v·wᵀ − w·vᵀ on the trailing block B = a[k+1.., k+1..].
            int offset = ((k + 1) * n) + k + 1;
            Span<double> ps = p.AsSpan(0, m);
            RowParallel(m, i => p[i] = 2 * TensorPrimitives.Dot(a.AsSpan(offset + (i * n), m), v.AsSpan(0, m)));
            double vp = TensorPrimitives.Dot(vs, ps);
            TensorPrimitives.MultiplyAdd(vs, -vp, ps, ps);
            RowParallel(m, i =>
            {
                Span<double> row = a.AsSpan(offset + (i * n), m);
                TensorPrimitives.MultiplyAdd(p.AsSpan(0, m), -v[i], row, row);
                TensorPrimitives.MultiplyAdd(v.AsSpan(0, m), -p[i], row, row);
            });
        }

        if (n >= 2)
        {
            d[n - 2] = a[((n - 2) * n) + n - 2];
            e[n - 2] = a[((n - 2) * n) + n - 1];
        }

        if (n >= 1)
        {
            d[n - 1] = a[(n * n) - 1];
        }
    }

    /// <summary>The <paramref name="count"/> largest eigenvalues, descending, of the symmetric tridiagonal matrix with
    /// diagonal d (n) and off-diagonal e (n − 1), by bisection inside the Gershgorin interval.</summary>
    public static double[] LargestOfTridiagonal(double[] d, double[] e, int count)
    {
        int n = d.Length;
        double lo = double.PositiveInfinity;
        double hi = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double radius = (i > 0 ? Math.Abs(e[i - 1]) : 0) + (i < n - 1 ? Math.Abs(e[i]) : 0);
            lo = Math.Min(lo, d[i] - radius);
            hi = Math.Max(hi, d[i] + radius);
        }

        double scale = Math.Max(Math.Abs(lo), Math.Abs(hi));
        var result = new double[count];
        double upper = hi + (1e-12 * scale) + double.Epsilon;
        for (int j = 0; j < count; j++)
        {
            // The eigenvalue with ascending index n − 1 − j: the point where the count below rises past that index.
            int index = n - 1 - j;
            double a = lo - (1e-12 * scale) - double.Epsilon;
            double b = upper;
            for (int iter = 0; iter < 200; iter++)
            {
                double magnitude = Math.Max(Math.Abs(a), Math.Abs(b));
                if (b - a <= 4 * (Math.BitIncrement(magnitude) - magnitude))
                {
                    break;
                }

                double mid = 0.5 * (a + b);
                if (mid <= a || mid >= b)
                {
                    break;
                }

                if (CountBelow(d, e, mid) > index)
                {
                    b = mid;
                }
                else
                {
                    a = mid;
                }
            }

            result[j] = 0.5 * (a + b);
            upper = b; // the next (smaller) eigenvalue is at most this one
        }

        return result;
    }

    /// <summary>Sturm count: how many eigenvalues lie below x (negative pivots of T − x·I = L·D·Lᵀ).</summary>
    private static int CountBelow(double[] d, double[] e, double x)
    {
        int count = 0;
        double q = 1;
        for (int i = 0; i < d.Length; i++)
        {
            double off = i > 0 ? e[i - 1] * e[i - 1] / q : 0;
            q = d[i] - x - off;
            if (q == 0)
            {
                // An exact zero pivot: perturb by the smallest relevant amount (the count is unaffected in the limit).
                q = -1e-300 - (Math.Abs(x) * 1e-16);
            }

            if (q < 0)
            {
                count++;
            }
        }

        return count;
    }

    private static void RowParallel(int rows, Action<int> body)
    {
        if (rows < 256)
        {
            for (int i = 0; i < rows; i++)
            {
                body(i);
            }

            return;
        }

        Parallel.For(0, rows, body);
    }
}
