using FastNmf.Constraints;
using FastNmf.Data;

namespace FastNmf.Analysis;

/// <summary>Settings of <see cref="ComponentAnalysis"/>.</summary>
public sealed record AnalysisOptions
{
    /// <summary>Default distance threshold of the cut: components closer than this (1 − similarity) in the tree share a
    /// cluster. 0.5 = similarity 0.5, half-way between unrelated patterns (≲ 0.35 on the simulated sets) and rotated
    /// copies of one lattice (≳ 0.9).</summary>
    public const double DefaultDistanceThreshold = 0.5;

    /// <summary>Centre and φ samples of the polar transform; null takes the factorization's (<see cref="NmfOptions.Polar"/>)
    /// when given an <see cref="NmfResult"/>, otherwise the defaults (detector centre, 360 samples).</summary>
    public PolarConstraintOptions? Polar { get; init; }

    /// <summary>Detector pixels to leave out of the polar transform, or null. Pass the mask the factorization used: W
    /// holds 0 there, which would otherwise count as measured intensity 0 (a beam stop would then look like the same dark
    /// wedge in every component and pull every rotation towards 0).</summary>
    public DetectorMask? Mask { get; init; }

    /// <summary>The similarity the clustering uses (distance = 1 − similarity). Default: the diffraction similarity.</summary>
    public SimilarityMeasure ClusterBy { get; init; } = SimilarityMeasure.Diffraction;

    /// <summary>The linkage (default average, which neither chains like single nor splits like complete).</summary>
    public LinkageMethod Linkage { get; init; } = LinkageMethod.Average;

    /// <summary>The cut when <see cref="ClusterCount"/> is null: <c>fcluster(Z, t, 'distance')</c>.</summary>
    public double DistanceThreshold { get; init; } = DefaultDistanceThreshold;

    /// <summary>If set, the cut gives at most this many clusters (<c>fcluster(Z, t, 'maxclust')</c>) instead of using
    /// <see cref="DistanceThreshold"/>.</summary>
    public int? ClusterCount { get; init; }

    /// <summary>Isotropy (share of polar energy in the radial profile) from which a pattern counts as amorphous: such
    /// components are compared by their radial profiles (<see cref="DiffractionSimilarity"/>), and a cluster whose
    /// average reaches it is flagged <see cref="ComponentCluster.IsAmorphous"/>.</summary>
    public double AmorphousIsotropy { get; init; } = DiffractionSimilarity.DefaultIsotropyThreshold;

    internal void Validate()
    {
        if (!double.IsFinite(DistanceThreshold) || DistanceThreshold < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DistanceThreshold), DistanceThreshold, "the distance threshold must be finite and non-negative.");
        }

        if (ClusterCount is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ClusterCount), ClusterCount, "the cluster count must be at least 1.");
        }

        if (!(AmorphousIsotropy >= 0 && AmorphousIsotropy <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(AmorphousIsotropy), AmorphousIsotropy, "the isotropy threshold must be in [0, 1].");
        }

        if (!Enum.IsDefined(ClusterBy))
        {
            throw new ArgumentOutOfRangeException(nameof(ClusterBy), ClusterBy, "unknown similarity measure.");
        }

        if (!Enum.IsDefined(Linkage))
        {
            throw new ArgumentOutOfRangeException(nameof(Linkage), Linkage, "unknown linkage method.");
        }

        Polar?.Validate();
    }
}
