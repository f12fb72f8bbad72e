namespace FastNmf.Analysis;

/// <summary>Which similarity of diffractions the hierarchical clustering uses (distance = 1 − similarity).</summary>
public enum SimilarityMeasure
{
    /// <summary>The rotation-invariant diffraction similarity of Eqs. 10–11 (<see cref="DiffractionSimilarity"/>).</summary>
    Diffraction,

    /// <summary>The plain cosine similarity of Eq. 9 (<see cref="Similarity.CosineMatrix"/>): blind to rotations.</summary>
    Cosine,
}
