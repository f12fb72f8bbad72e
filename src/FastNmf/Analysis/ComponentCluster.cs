namespace FastNmf.Analysis;

/// <summary>One flat cluster of components, with its rotation-corrected average (the insets of the paper's Fig. 9).</summary>
public sealed class ComponentCluster
{
    internal ComponentCluster(int label, int[] members, int representative, double[] angles, float[] average, float[]? summedMap, double isotropy, bool amorphous)
    {
        Label = label;
        Members = members;
        Representative = representative;
        Angles = angles;
        AverageDiffraction = average;
        SummedMap = summedMap;
        Isotropy = isotropy;
        IsAmorphous = amorphous;
    }

    /// <summary>The cluster's label (1-based, as in <see cref="AnalysisResult.Labels"/>).</summary>
    public int Label { get; }

    /// <summary>Component indices in the cluster, ascending.</summary>
    public IReadOnlyList<int> Members { get; }

    /// <summary>The member the others are aligned to: the one with the largest map norm ‖h‖₂ when maps were given,
    /// otherwise the medoid (largest summed similarity to the other members); lowest index on ties.</summary>
    public int Representative { get; }

    /// <summary>Per member (same order as <see cref="Members"/>), the angle in degrees by which it is rotated relative to
    /// the representative (<c>Rotation[representative, member]</c>, counter-clockwise as displayed); all 0 when the
    /// clustering used the cosine similarity, which knows no rotation.</summary>
    public IReadOnlyList<double> Angles { get; }

    /// <summary>
    /// <c>DetRows × DetCols</c>: the members' diffractions, each rotated back by its angle onto the representative
    /// (bilinear, about the polar centre), averaged with weights Σh (the counts each member explains) when maps were
    /// given, equally otherwise.
    /// </summary>
    public float[] AverageDiffraction { get; }

    /// <summary><c>ScanRows × ScanCols</c>: the members' maps summed, or null when no maps were given.</summary>
    public float[]? SummedMap { get; }

    /// <summary>Isotropy of <see cref="AverageDiffraction"/> (share of its polar energy in the φ-average).</summary>
    public double Isotropy { get; }

    /// <summary>True when <see cref="Isotropy"/> reaches <see cref="AnalysisOptions.AmorphousIsotropy"/>: diffuse rings
    /// rather than Bragg spots.</summary>
    public bool IsAmorphous { get; }
}
