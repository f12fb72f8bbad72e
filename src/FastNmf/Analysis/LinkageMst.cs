namespace FastNmf.Analysis;

/// <summary>Single linkage by Prim's minimum spanning tree (the algorithm SciPy uses): the merges in the order the
/// tree grows from observation 0, each as (previous vertex, new vertex, edge); sorted and relabelled by the caller.</summary>
internal static class LinkageMst
{
    public static double[,] Run(double[] condensed, int n)
    {
        var z = new double[n - 1, 4];
        var merged = new bool[n];
        var nearest = new double[n];
        Array.Fill(nearest, double.PositiveInfinity);
        int x = 0;
        int y = 0;
        for (int k = 0; k < n - 1; k++)
        {
            double best = double.PositiveInfinity;
            merged[x] = true;
            for (int i = 0; i < n; i++)
            {
                if (merged[i])
                {
                    continue;
                }

                double d = condensed[CondensedIndex.Of(n, x, i)];
                if (nearest[i] > d)
                {
                    nearest[i] = d;
                }

                // Strictly smaller: the lowest index wins a tie, as in SciPy.
                if (nearest[i] < best)
                {
                    y = i;
                    best = nearest[i];
                }
            }

            z[k, 0] = x;
            z[k, 1] = y;
            z[k, 2] = best;
            x = y;
        }

        return z;
    }
}
