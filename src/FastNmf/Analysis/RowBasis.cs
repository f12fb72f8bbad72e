using System.Numerics.Tensors;
using FastNmf.Memory;

namespace FastNmf.Analysis;

/// <summary>Orthonormalises the rows of a float matrix in double: modified Gram–Schmidt applied twice ("twice is
/// enough" for orthogonality to working precision); a row that vanishes against the earlier ones (rank deficiency) is
/// set to zero.</summary>
internal static class RowBasis
{
    public static void Orthonormalize(MatrixView rows)
    {
        int l = rows.Rows;
        int n = rows.Cols;
        var q = new double[l][];
        for (int i = 0; i < l; i++)
        {
            var v = new double[n];
            Span<float> source = rows.Row(i);
            for (int p = 0; p < n; p++)
            {
                v[p] = source[p];
            }

            double original = Math.Sqrt(TensorPrimitives.Dot<double>(v, v));
            for (int pass = 0; pass < 2; pass++)
            {
                for (int j = 0; j < i; j++)
                {
                    double projection = TensorPrimitives.Dot<double>(q[j], v);
                    TensorPrimitives.MultiplyAdd(q[j], -projection, v, v);
                }
            }

            double norm = Math.Sqrt(TensorPrimitives.Dot<double>(v, v));
            double scale = norm > 1e-10 * original && norm > 0 ? 1 / norm : 0;
            TensorPrimitives.Multiply(v, scale, v);
            q[i] = v;
            Span<float> target = rows.Row(i);
            for (int p = 0; p < n; p++)
            {
                target[p] = (float)v[p];
            }
        }
    }
}
