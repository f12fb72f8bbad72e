namespace FastNmf.Analysis;

/// <summary>Vector similarity measures, accumulated in double.</summary>
public static class Similarity
{
    /// <summary>Cosine similarity ⟨a, b⟩ / (‖a‖ ‖b‖) (Eq. 9); 0 when either vector is zero.</summary>
    /// <exception cref="ArgumentException">different lengths.</exception>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }

        return aa > 0 && bb > 0 ? ab / Math.Sqrt(aa * bb) : 0;
    }

    /// <summary>
    /// The k × k matrix of Eq. 9: <c>C[i, j] = ⟨v_i, v_j⟩ / (‖v_i‖ ‖v_j‖)</c> of <paramref name="count"/> vectors of
    /// <paramref name="length"/> values stored one after another (e.g. W's columns as k detector images), in double.
    /// Symmetric; 1 on the diagonal for a nonzero vector, 0 wherever a zero vector is involved.
    /// </summary>
    /// <exception cref="ArgumentException">the span does not hold count × length values.</exception>
    /// <exception cref="ArgumentOutOfRangeException">count or length below 1.</exception>
    public static double[,] CosineMatrix(ReadOnlySpan<float> vectors, int count, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        if (vectors.Length != (long)count * length)
        {
            throw new ArgumentException($"{count} vectors of {length} values need {(long)count * length}, got {vectors.Length}.", nameof(vectors));
        }

        var c = new double[count, count];
        for (int i = 0; i < count; i++)
        {
            for (int j = i; j < count; j++)
            {
                c[i, j] = c[j, i] = Cosine(vectors.Slice(i * length, length), vectors.Slice(j * length, length));
            }
        }

        return c;
    }

    /// <summary>Pearson correlation of two equally long vectors; 0 when either is constant.</summary>
    /// <exception cref="ArgumentException">different lengths.</exception>
    public static double Pearson(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        double ma = 0, mb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ma += a[i];
            mb += b[i];
        }

        ma /= a.Length;
        mb /= b.Length;
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double da = a[i] - ma;
            double db = b[i] - mb;
            ab += da * db;
            aa += da * da;
            bb += db * db;
        }

        return aa > 0 && bb > 0 ? ab / Math.Sqrt(aa * bb) : 0;
    }

    /// <summary><c>v − α·basis</c> with α = ⟨v, basis⟩/⟨basis, basis⟩, the least-squares share of <paramref name="basis"/> in <paramref name="v"/>.</summary>
    public static float[] RemoveShare(ReadOnlySpan<float> v, ReadOnlySpan<float> basis)
    {
        CheckLengths(v, basis);
        double vb = 0, bb = 0;
        for (int i = 0; i < v.Length; i++)
        {
            vb += (double)v[i] * basis[i];
            bb += (double)basis[i] * basis[i];
        }

        double alpha = bb > 0 ? vb / bb : 0;
        var r = new float[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            r[i] = (float)(v[i] - (alpha * basis[i]));
        }

        return r;
    }

    private static void CheckLengths(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"vectors of different lengths ({a.Length} and {b.Length}).");
        }
    }
}
