namespace FastNmf.Analysis;

/// <summary>
/// Agglomerative clustering of a distance matrix with SciPy's output conventions, so a linkage matrix from here can be
/// handed to <c>scipy.cluster.hierarchy.dendrogram</c> unchanged. Single linkage runs Prim's minimum spanning tree and
/// complete/average/Ward the nearest-neighbour chain with Lance–Williams updates, as SciPy does; the merges are then
/// sorted by distance (stable) and relabelled: observations are 0..n−1, the cluster made by row i is n + i, each row is
/// <c>[smaller id, larger id, distance, size]</c>. Ties are broken as SciPy breaks them.
/// </summary>
public static class HierarchicalClustering
{
    /// <summary>The (n−1) × 4 linkage matrix of a square distance matrix.</summary>
    /// <param name="distances">n × n, symmetric, finite, non-negative, zero diagonal (e.g. 1 − similarity).</param>
    /// <param name="method">The linkage.</param>
    /// <exception cref="ArgumentException">fewer than 2 observations, not square, not symmetric, a negative, NaN or
    /// infinite entry, or a nonzero diagonal.</exception>
    public static double[,] Linkage(double[,] distances, LinkageMethod method)
    {
        double[] condensed = Condense(distances);
        int n = distances.GetLength(0);
        double[,] z = method switch
        {
            LinkageMethod.Single => LinkageMst.Run(condensed, n),
            LinkageMethod.Complete or LinkageMethod.Average or LinkageMethod.Ward => LinkageNnChain.Run(condensed, n, method),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown linkage method."),
        };
        return Relabel(z, n);
    }

    /// <summary>
    /// Flat clusters such that no two observations in one cluster are farther apart than <paramref name="threshold"/>
    /// in the tree (cophenetic distance): SciPy's <c>fcluster(Z, t, criterion='distance')</c>. Labels are 1..m, numbered
    /// in SciPy's order (depth-first from the root; a node's single observations after its subclusters).
    /// </summary>
    /// <exception cref="ArgumentException">the linkage matrix is not a valid (n−1) × 4 linkage.</exception>
    /// <exception cref="ArgumentOutOfRangeException">the threshold is NaN.</exception>
    public static int[] CutByDistance(double[,] linkage, double threshold)
    {
        if (double.IsNaN(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the threshold must be a number.");
        }

        return FlatClusters.Cut(linkage, threshold);
    }

    /// <summary>
    /// At most <paramref name="maxClusters"/> flat clusters with the smallest cophenetic threshold that gives them:
    /// SciPy's <c>fcluster(Z, t, criterion='maxclust')</c> as documented. (SciPy 1.10's search never tries the smallest
    /// merge distance, so where that one alone suffices — asking for n − 1 or more clusters — SciPy returns fewer
    /// clusters than asked; this returns the documented answer.)
    /// </summary>
    /// <exception cref="ArgumentException">the linkage matrix is not a valid (n−1) × 4 linkage.</exception>
    /// <exception cref="ArgumentOutOfRangeException">maxClusters below 1.</exception>
    public static int[] CutByCount(double[,] linkage, int maxClusters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxClusters, 1);
        return FlatClusters.CutByCount(linkage, maxClusters);
    }

    /// <summary>The number of observations a linkage matrix joins (rows + 1), after checking its shape and ids.</summary>
    internal static int Observations(double[,] linkage)
    {
        ArgumentNullException.ThrowIfNull(linkage);
        int rows = linkage.GetLength(0);
        if (rows < 1 || linkage.GetLength(1) != 4)
        {
            throw new ArgumentException($"a linkage matrix is (n−1) × 4 with n ≥ 2; got {rows} × {linkage.GetLength(1)}.", nameof(linkage));
        }

        int n = rows + 1;
        for (int i = 0; i < rows; i++)
        {
            for (int c = 0; c < 2; c++)
            {
                double id = linkage[i, c];
                if (!(id >= 0 && id < n + i && id == Math.Floor(id)))
                {
                    throw new ArgumentException($"linkage row {i} joins cluster {id}, which does not exist yet.", nameof(linkage));
                }
            }

            if (!double.IsFinite(linkage[i, 2]))
            {
                throw new ArgumentException($"linkage row {i} has distance {linkage[i, 2]}.", nameof(linkage));
            }
        }

        return n;
    }

    private static double[] Condense(double[,] d)
    {
        ArgumentNullException.ThrowIfNull(d);
        int n = d.GetLength(0);
        if (n != d.GetLength(1))
        {
            throw new ArgumentException($"the distance matrix must be square; got {n} × {d.GetLength(1)}.", nameof(d));
        }

        if (n < 2)
        {
            throw new ArgumentException($"clustering needs at least 2 observations; got {n}.", nameof(d));
        }

        var condensed = new double[n * (n - 1) / 2];
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            if (d[i, i] != 0)
            {
                throw new ArgumentException($"distance ({i}, {i}) is {d[i, i]}; the diagonal must be 0.", nameof(d));
            }

            for (int j = i + 1; j < n; j++)
            {
                double v = d[i, j];
                if (!double.IsFinite(v) || v < 0)
                {
                    throw new ArgumentException($"distance ({i}, {j}) is {v}; distances must be finite and non-negative.", nameof(d));
                }

                if (Math.Abs(v - d[j, i]) > 1e-12 * Math.Max(1, Math.Abs(v)))
                {
                    throw new ArgumentException($"distance ({i}, {j}) = {v} but ({j}, {i}) = {d[j, i]}; the matrix must be symmetric.", nameof(d));
                }

                condensed[k++] = v;
            }
        }

        return condensed;
    }

    // SciPy: a stable sort of the merges by distance, then each row's two clusters renamed to the roots of a union–find
    // over the sorted merges (smaller id first) and the size taken from the union.
    private static double[,] Relabel(double[,] z, int n)
    {
        int rows = n - 1;
        int[] order = Enumerable.Range(0, rows).OrderBy(i => z[i, 2]).ToArray(); // LINQ OrderBy is stable
        var parent = new int[(2 * n) - 1];
        var size = new int[(2 * n) - 1];
        for (int i = 0; i < parent.Length; i++)
        {
            parent[i] = i;
            size[i] = 1;
        }

        var result = new double[rows, 4];
        for (int r = 0; r < rows; r++)
        {
            int src = order[r];
            int a = Find(parent, (int)z[src, 0]);
            int b = Find(parent, (int)z[src, 1]);
            int next = n + r;
            parent[a] = parent[b] = next;
            size[next] = size[a] + size[b];
            result[r, 0] = Math.Min(a, b);
            result[r, 1] = Math.Max(a, b);
            result[r, 2] = z[src, 2];
            result[r, 3] = size[next];
        }

        return result;
    }

    private static int Find(int[] parent, int x)
    {
        int root = x;
        while (parent[root] != root)
        {
            root = parent[root];
        }

        while (parent[x] != root)
        {
            (x, parent[x]) = (parent[x], root);
        }

        return root;
    }
}
