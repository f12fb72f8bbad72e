namespace FastNmf.Cli.Report;

/// <summary>
/// Where a dendrogram draws its leaves and links, from a SciPy-format linkage matrix Z ((k − 1) × 4: the two merged
/// clusters — ids below k are components, k + i is the cluster formed in row i — their distance, and the new
/// cluster's size). As SciPy's <c>dendrogram</c>: leaves in the order of a depth-first walk from the root, first
/// child left; leaf i at x = its position; a merge at x = the mean of its children's x and y = its distance.
/// </summary>
internal sealed class DendrogramLayout
{
    private DendrogramLayout(int[] order, double[] leafX, List<(double[] X, double[] Y, int Row)> links)
    {
        Order = order;
        LeafX = leafX;
        Links = links;
    }

    /// <summary>Components from left to right.</summary>
    public IReadOnlyList<int> Order { get; }

    /// <summary>x position of each component (index = component).</summary>
    public IReadOnlyList<double> LeafX { get; }

    /// <summary>One ⊓-shaped link per linkage row: four points (left foot, left top, right top, right foot).</summary>
    public IReadOnlyList<(double[] X, double[] Y, int Row)> Links { get; }

    /// <summary>Lays out <paramref name="linkage"/> for <paramref name="components"/> leaves.</summary>
    /// <exception cref="ArgumentException">the matrix is not (components − 1) × 4 or does not describe a binary tree.</exception>
    public static DendrogramLayout Compute(double[,] linkage, int components)
    {
        int merges = components - 1;
        if (components < 1 || linkage.GetLength(0) != merges || (merges > 0 && linkage.GetLength(1) != 4))
        {
            throw new ArgumentException($"a linkage of {components} components has {merges} rows of 4, got {linkage.GetLength(0)}×{linkage.GetLength(1)}.", nameof(linkage));
        }

        var order = new List<int>(components);
        var seen = new bool[(2 * components) - 1];
        if (merges == 0)
        {
            order.Add(0);
        }
        else
        {
            // Iterative depth-first walk (k can be a few hundred; recursion depth would be k).
            var stack = new Stack<int>();
            stack.Push((2 * components) - 2);
            while (stack.Count > 0)
            {
                int id = stack.Pop();
                if (id < 0 || id >= seen.Length || seen[id])
                {
                    throw new ArgumentException($"linkage refers to cluster {id} twice or out of range: not a binary tree over {components} components.", nameof(linkage));
                }

                seen[id] = true;
                if (id < components)
                {
                    order.Add(id);
                    continue;
                }

                int row = id - components;
                stack.Push(Child(linkage, row, 1));
                stack.Push(Child(linkage, row, 0));
            }
        }

        if (order.Count != components)
        {
            throw new ArgumentException($"linkage reaches {order.Count} of {components} components from its last row: not one tree.", nameof(linkage));
        }

        var leafX = new double[components];
        for (int i = 0; i < order.Count; i++)
        {
            leafX[order[i]] = i;
        }

        var x = new double[(2 * components) - 1];
        var y = new double[(2 * components) - 1];
        Array.Copy(leafX, x, components);
        var links = new List<(double[] X, double[] Y, int Row)>(merges);
        for (int row = 0; row < merges; row++)
        {
            // Rows only merge clusters formed in earlier rows, so both children are placed by now.
            int a = Child(linkage, row, 0);
            int b = Child(linkage, row, 1);
            if (a >= components + row || b >= components + row)
            {
                throw new ArgumentException($"linkage row {row} merges cluster {Math.Max(a, b)}, which is formed later.", nameof(linkage));
            }

            double height = linkage[row, 2];
            x[components + row] = 0.5 * (x[a] + x[b]);
            y[components + row] = height;
            links.Add(([x[a], x[a], x[b], x[b]], [y[a], height, height, y[b]], row));
        }

        return new DendrogramLayout(order.ToArray(), leafX, links);
    }

    private static int Child(double[,] linkage, int row, int column)
    {
        double v = linkage[row, column];
        if (!(v >= 0) || v != Math.Floor(v) || v > int.MaxValue)
        {
            throw new ArgumentException($"linkage row {row}, column {column}: {v} is not a cluster id.", nameof(linkage));
        }

        return (int)v;
    }
}
