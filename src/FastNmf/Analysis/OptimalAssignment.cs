namespace FastNmf.Analysis;

/// <summary>
/// The assignment problem by the Hungarian method (Kuhn–Munkres with potentials, O(n²m)): each of n rows gets a
/// distinct one of m ≥ n columns so that the summed score is the largest possible.
/// </summary>
internal static class OptimalAssignment
{
    /// <summary>Per row, its column in an assignment of largest total <paramref name="score"/>.</summary>
    /// <exception cref="ArgumentException">there are more rows than columns, or a score is not finite.</exception>
    public static int[] Maximise(double[,] score)
    {
        ArgumentNullException.ThrowIfNull(score);
        int n = score.GetLength(0);
        int m = score.GetLength(1);
        if (n > m)
        {
            throw new ArgumentException($"{n} rows cannot each get a distinct one of {m} columns.", nameof(score));
        }

        foreach (double s in score)
        {
            if (!double.IsFinite(s))
            {
                throw new ArgumentException("a score is not finite.", nameof(score));
            }
        }

        // Minimise −score. Rows and columns 1-based; column 0 is the augmenting path's virtual start.
        var u = new double[n + 1];
        var v = new double[m + 1];
        var rowOfColumn = new int[m + 1];
        var way = new int[m + 1];
        var minTo = new double[m + 1];
        var used = new bool[m + 1];
        for (int i = 1; i <= n; i++)
        {
            rowOfColumn[0] = i;
            int j0 = 0;
            Array.Fill(minTo, double.PositiveInfinity);
            Array.Clear(used);
            do
            {
                used[j0] = true;
                int i0 = rowOfColumn[j0];
                double delta = double.PositiveInfinity;
                int j1 = 0;
                for (int j = 1; j <= m; j++)
                {
                    if (used[j])
                    {
                        continue;
                    }

                    double reduced = -score[i0 - 1, j - 1] - u[i0] - v[j];
                    if (reduced < minTo[j])
                    {
                        minTo[j] = reduced;
                        way[j] = j0;
                    }

                    if (minTo[j] < delta)
                    {
                        delta = minTo[j];
                        j1 = j;
                    }
                }

                for (int j = 0; j <= m; j++)
                {
                    if (used[j])
                    {
                        u[rowOfColumn[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minTo[j] -= delta;
                    }
                }

                j0 = j1;
            }
            while (rowOfColumn[j0] != 0);

            do
            {
                int j1 = way[j0];
                rowOfColumn[j0] = rowOfColumn[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }

        var assignment = new int[n];
        for (int j = 1; j <= m; j++)
        {
            if (rowOfColumn[j] != 0)
            {
                assignment[rowOfColumn[j] - 1] = j - 1;
            }
        }

        return assignment;
    }
}
