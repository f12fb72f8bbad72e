using System.Numerics.Tensors;
using FastNmf.Memory;

namespace FastNmf.Analysis;

/// <summary>Grows an orthonormal basis (rows in double) by the rows of a float block: each row is orthogonalised against
/// the basis by modified Gram–Schmidt applied twice ("twice is enough" for orthogonality to working precision) and kept
/// only if a clear part of it is new — rows that vanish (rank deficiency) are dropped.</summary>
internal static class RowBasis
{
    /// <summary>Adds up to <paramref name="most"/> rows of <paramref name="block"/> to <paramref name="basis"/>;
    /// returns how many were added.</summary>
    public static int Extend(List<double[]> basis, MatrixView block, int most)
    {
        int added = 0;
        for (int i = 0; i < block.Rows && added < most; i++)
        {
            var v = new double[block.Cols];
            Span<float> source = block.Row(i);
            for (int p = 0; p < v.Length; p++)
            {
                v[p] = source[p];
            }

            double original = Math.Sqrt(TensorPrimitives.Dot<double>(v, v));
            for (int pass = 0; pass < 2; pass++)
            {
                foreach (double[] q in basis)
                {
                    TensorPrimitives.MultiplyAdd(q, -TensorPrimitives.Dot<double>(q, v), v, v);
                }
            }

            double norm = Math.Sqrt(TensorPrimitives.Dot<double>(v, v));
            if (!(norm > 1e-6 * original))
            {
                continue;
            }

            TensorPrimitives.Multiply(v, 1 / norm, v);
            basis.Add(v);
            added++;
        }

        return added;
    }
}
