namespace FastNmf.Analysis;

/// <summary>Everything <see cref="ComponentAnalysis"/> finds about one set of components. Matrices are k × k in
/// component order.</summary>
public sealed class AnalysisResult
{
    /// <summary>Components (k).</summary>
    public required int Components { get; init; }

    /// <summary>Detector rows.</summary>
    public required int DetRows { get; init; }

    /// <summary>Detector columns.</summary>
    public required int DetCols { get; init; }

    /// <summary>Scan rows (0 without maps).</summary>
    public required int ScanRows { get; init; }

    /// <summary>Scan columns (0 without maps).</summary>
    public required int ScanCols { get; init; }

    /// <summary>True when maps were given (representatives by map norm, weighted averages, summed maps).</summary>
    public bool HasMaps => ScanRows > 0;

    /// <summary>The options used (with the polar settings resolved).</summary>
    public required AnalysisOptions Options { get; init; }

    /// <summary>Cosine similarity of the diffractions (Eq. 9).</summary>
    public required double[,] Cosine { get; init; }

    /// <summary>Diffraction similarity (Eq. 10), see <see cref="Analysis.DiffractionSimilarity"/>.</summary>
    public required double[,] DiffractionSimilarity { get; init; }

    /// <summary>Degrees, <c>Rotation[i, j]</c> = angle by which j is rotated relative to i, counter-clockwise as displayed (Eq. 11).</summary>
    public required double[,] Rotation { get; init; }

    /// <summary>Width of one φ bin in degrees (the resolution of <see cref="Rotation"/> before sub-bin refinement).</summary>
    public required double BinDegrees { get; init; }

    /// <summary>Per component, the share of its polar energy in the φ-average (≈ 1 amorphous, small crystalline).</summary>
    public required IReadOnlyList<double> Isotropy { get; init; }

    /// <summary>The distances clustered: 1 − the similarity chosen by <see cref="AnalysisOptions.ClusterBy"/>, clamped at 0.</summary>
    public required double[,] Distances { get; init; }

    /// <summary>(k−1) × 4 linkage matrix in SciPy's format: <c>[id₁, id₂, distance, size]</c>, components 0..k−1, the
    /// cluster formed in row i has id k + i — ready for <c>scipy.cluster.hierarchy.dendrogram</c>.</summary>
    public required double[,] Linkage { get; init; }

    /// <summary>Per component, its flat cluster's label (1-based, SciPy <c>fcluster</c> numbering).</summary>
    public required IReadOnlyList<int> Labels { get; init; }

    /// <summary>The flat clusters, by label.</summary>
    public required IReadOnlyList<ComponentCluster> Clusters { get; init; }
}
