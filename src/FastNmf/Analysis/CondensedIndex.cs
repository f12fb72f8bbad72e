namespace FastNmf.Analysis;

/// <summary>Position of pair (i, j), i ≠ j, in a condensed distance vector (the strict upper triangle, row by row —
/// SciPy's <c>pdist</c> layout).</summary>
internal static class CondensedIndex
{
    public static int Of(int n, int i, int j)
    {
        if (i > j)
        {
            (i, j) = (j, i);
        }

        return (n * i) - (i * (i + 1) / 2) + (j - i - 1);
    }
}
