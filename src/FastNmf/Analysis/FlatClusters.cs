namespace FastNmf.Analysis;

/// <summary>
/// SciPy's <c>fcluster</c> on a linkage matrix: a node whose largest merge distance inside it (the cophenetic
/// "max dist", monotone even for non-monotone linkages) is within the threshold becomes one flat cluster; labels
/// 1..m are given depth-first from the root, first child first.
/// </summary>
internal static class FlatClusters
{
    public static int[] Cut(double[,] linkage, double threshold)
    {
        int n = HierarchicalClustering.Observations(linkage);
        return Label(linkage, n, MaxDistances(linkage, n), threshold);
    }

    public static int[] CutByCount(double[,] linkage, int maxClusters)
    {
        int n = HierarchicalClustering.Observations(linkage);
        double[] maxDist = MaxDistances(linkage, n);
        if (maxClusters >= n)
        {
            // Every observation alone: a threshold below every merge.
            return Label(linkage, n, maxDist, double.NegativeInfinity);
        }

        // The smallest merge height that leaves at most maxClusters clusters; the count falls as the threshold rises.
        double[] heights = maxDist.Distinct().Order().ToArray();
        int lo = 0;
        int hi = heights.Length - 1; // the root's height always gives one cluster
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (Label(linkage, n, maxDist, heights[mid]).Max() <= maxClusters)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return Label(linkage, n, maxDist, heights[lo]);
    }

    private static double[] MaxDistances(double[,] z, int n)
    {
        var maxDist = new double[n - 1];
        for (int i = 0; i < n - 1; i++)
        {
            double m = z[i, 2];
            for (int c = 0; c < 2; c++)
            {
                int child = (int)z[i, c];
                if (child >= n)
                {
                    m = Math.Max(m, maxDist[child - n]);
                }
            }

            maxDist[i] = m;
        }

        return maxDist;
    }

    private static int[] Label(double[,] z, int n, double[] maxDist, double threshold)
    {
        var labels = new int[n];
        int next = 0;
        var stack = new Stack<(int Node, bool Whole)>();
        stack.Push(((2 * n) - 2, false));
        while (stack.Count > 0)
        {
            (int node, bool whole) = stack.Pop();
            if (node < n)
            {
                labels[node] = whole ? next : ++next;
                continue;
            }

            int row = node - n;
            bool forms = whole || maxDist[row] <= threshold;
            if (forms && !whole)
            {
                next++;
            }

            // Right child pushed first so the left (first) child is visited first.
            stack.Push(((int)z[row, 1], forms));
            stack.Push(((int)z[row, 0], forms));
        }

        return labels;
    }
}
