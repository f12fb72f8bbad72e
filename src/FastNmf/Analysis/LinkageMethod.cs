namespace FastNmf.Analysis;

/// <summary>How the distance between two clusters follows from the distances of their members (SciPy's names and
/// Lance–Williams updates).</summary>
public enum LinkageMethod
{
    /// <summary>Nearest members: d(u, v) = min d(i, j).</summary>
    Single,

    /// <summary>Farthest members: d(u, v) = max d(i, j).</summary>
    Complete,

    /// <summary>Mean over member pairs (UPGMA): d(u, v) = Σ d(i, j) / (|u|·|v|).</summary>
    Average,

    /// <summary>Ward's minimum-variance update, applied to the given distances as SciPy does (exact Ward only for
    /// Euclidean distances).</summary>
    Ward,
}
