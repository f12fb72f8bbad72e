namespace FastNmf.Analysis;

/// <summary>
/// Complete, average and Ward linkage by the nearest-neighbour chain (the algorithm SciPy uses for them): follow nearest
/// neighbours until two clusters are each other's nearest, merge them into the slot of the larger index, update the
/// distances with the Lance–Williams formula of the method. The chain prefers its previous element on ties (no cycles)
/// and otherwise the lowest index, like SciPy; the merges come out unsorted (the caller sorts and relabels).
/// </summary>
internal static class LinkageNnChain
{
    public static double[,] Run(double[] condensed, int n, LinkageMethod method)
    {
        var z = new double[n - 1, 4];
        double[] d = (double[])condensed.Clone();
        var size = new int[n];
        Array.Fill(size, 1);
        var chain = new int[n];
        int length = 0;
        for (int k = 0; k < n - 1; k++)
        {
            if (length == 0)
            {
                chain[0] = Array.FindIndex(size, s => s > 0);
                length = 1;
            }

            int x;
            int y = 0;
            double best;
            while (true)
            {
                x = chain[length - 1];
                if (length > 1)
                {
                    y = chain[length - 2];
                    best = d[CondensedIndex.Of(n, x, y)];
                }
                else
                {
                    best = double.PositiveInfinity;
                }

                for (int i = 0; i < n; i++)
                {
                    if (size[i] == 0 || i == x)
                    {
                        continue;
                    }

                    double dist = d[CondensedIndex.Of(n, x, i)];
                    if (dist < best)
                    {
                        best = dist;
                        y = i;
                    }
                }

                if (length > 1 && y == chain[length - 2])
                {
                    break;
                }

                chain[length++] = y;
            }

            length -= 2;
            if (x > y)
            {
                (x, y) = (y, x);
            }

            int nx = size[x];
            int ny = size[y];
            z[k, 0] = x;
            z[k, 1] = y;
            z[k, 2] = best;
            z[k, 3] = nx + ny;
            size[x] = 0;
            size[y] = nx + ny;
            for (int i = 0; i < n; i++)
            {
                int ni = size[i];
                if (ni == 0 || i == y)
                {
                    continue;
                }

                int iy = CondensedIndex.Of(n, i, y);
                d[iy] = Update(method, d[CondensedIndex.Of(n, i, x)], d[iy], best, nx, ny, ni);
            }
        }

        return z;
    }

    // Lance–Williams updates, with the operations in SciPy's order so ties resolve identically.
    private static double Update(LinkageMethod method, double dxi, double dyi, double dxy, int nx, int ny, int ni)
    {
        switch (method)
        {
            case LinkageMethod.Complete:
                return Math.Max(dxi, dyi);
            case LinkageMethod.Average:
                return ((nx * dxi) + (ny * dyi)) / (nx + ny);
            default:
                double t = 1.0 / (nx + ny + ni);
                // Clamped at 0: on non-Euclidean distances the update can dip below 0, where SciPy returns NaN.
                return Math.Sqrt(Math.Max(0, ((ni + nx) * t * dxi * dxi) + ((ni + ny) * t * dyi * dyi) - (ni * t * dxy * dxy)));
        }
    }
}
