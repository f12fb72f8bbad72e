namespace FastNmf.Analysis;

/// <summary>
/// SciPy's <c>fcluster</c> on a linkage matrix: a node whose largest merge distance inside it (the cophenetic
/// "max dist", monotone even for non-monotone linkages) is within the threshold becomes one flat cluster; labels
/// 1..m are numbered in SciPy's traversal order.
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

    // SciPy's traversal: depth-first from the root, into the first then the second child when they are clusters; a
    // node's leaf children are labelled only after its cluster children are done. The first node on the way down whose
    // max distance is within the threshold leads a flat cluster: every leaf below it takes its label.
    private static int[] Label(double[,] z, int n, double[] maxDist, double threshold)
    {
        var labels = new int[n];
        var visited = new bool[(2 * n) - 1];
        var stack = new int[n];
        int top = 0;
        stack[0] = (2 * n) - 2;
        int next = 0;
        int leader = -1;
        while (top >= 0)
        {
            int row = stack[top] - n;
            int left = (int)z[row, 0];
            int right = (int)z[row, 1];
            if (leader < 0 && maxDist[row] <= threshold)
            {
                leader = row;
                next++;
            }

            if (left >= n && !visited[left])
            {
                visited[left] = true;
                stack[++top] = left;
                continue;
            }

            if (right >= n && !visited[right])
            {
                visited[right] = true;
                stack[++top] = right;
                continue;
            }

            foreach (int child in (ReadOnlySpan<int>)[left, right])
            {
                if (child < n)
                {
                    labels[child] = leader < 0 ? ++next : next;
                }
            }

            if (leader == row)
            {
                leader = -1;
            }

            top--;
        }

        return labels;
    }
}
