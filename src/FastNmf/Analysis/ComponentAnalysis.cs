using FastNmf.Constraints;

namespace FastNmf.Analysis;

/// <summary>
/// The paper's analysis of a factorization (Fig. 9): cosine similarity of the diffractions (Eq. 9), the
/// rotation-invariant diffraction similarity and rotation (Eqs. 10–11), hierarchical clustering on 1 − similarity
/// with a SciPy-format linkage matrix, flat clusters, and per cluster the rotation-corrected average diffraction and the
/// summed map. Works on any factors — FastNmf's or another tool's: the diffractions alone, or with their maps.
/// </summary>
public static class ComponentAnalysis
{
    /// <summary>Analyses a FastNmf result (its W and H; polar centre and φ samples from its options unless
    /// <paramref name="options"/> sets them).</summary>
    /// <exception cref="ArgumentException">see <see cref="Run(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, int, int, AnalysisOptions?)"/>.</exception>
    public static AnalysisResult Run(NmfResult result, AnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        options ??= new AnalysisOptions();
        options = options with { Polar = options.Polar ?? result.Options.Polar };
        return Run(result.W, result.H, result.Components, result.DetRows, result.DetCols, result.ScanRows, result.ScanCols, options);
    }

    /// <summary>Analyses diffractions alone (<c>components × detRows × detCols</c>, row-major, e.g. W from any tool):
    /// representatives are medoids and averages unweighted.</summary>
    /// <exception cref="ArgumentException">see <see cref="Run(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, int, int, int, AnalysisOptions?)"/>.</exception>
    public static AnalysisResult Run(ReadOnlySpan<float> diffractions, int components, int detRows, int detCols, AnalysisOptions? options = null) =>
        Core(diffractions, default, components, detRows, detCols, 0, 0, options ?? new AnalysisOptions());

    /// <summary>Analyses diffractions with their maps (<c>components × scanRows × scanCols</c>, e.g. H).</summary>
    /// <param name="diffractions">k detector images, row-major, one after another.</param>
    /// <param name="maps">k maps, row-major, one after another.</param>
    /// <param name="components">k, at least 2 (clustering needs two things to compare).</param>
    /// <param name="detRows">Detector rows.</param>
    /// <param name="detCols">Detector columns.</param>
    /// <param name="scanRows">Scan rows.</param>
    /// <param name="scanCols">Scan columns.</param>
    /// <param name="options">Settings, or null for the defaults.</param>
    /// <exception cref="ArgumentException">a length does not match the sizes, a value is NaN or infinite, or a
    /// diffraction is all zero inside the polar transform.</exception>
    /// <exception cref="ArgumentOutOfRangeException">fewer than 2 components, a size or an option out of range.</exception>
    public static AnalysisResult Run(ReadOnlySpan<float> diffractions, ReadOnlySpan<float> maps, int components, int detRows, int detCols,
        int scanRows, int scanCols, AnalysisOptions? options = null)
    {
        AnalysisInput.CheckMaps(maps, components, scanRows, scanCols);
        return Core(diffractions, maps, components, detRows, detCols, scanRows, scanCols, options ?? new AnalysisOptions());
    }

    private static AnalysisResult Core(ReadOnlySpan<float> w, ReadOnlySpan<float> h, int k, int detRows, int detCols, int scanRows, int scanCols, AnalysisOptions options)
    {
        if (k < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "clustering needs at least 2 components.");
        }

        options.Validate();
        options = options with { Polar = options.Polar ?? new PolarConstraintOptions() };
        AnalysisInput.CheckDiffractions(w, k, detRows, detCols);
        DiffractionSimilarityResult ds = DiffractionSimilarity.Compute(w, k, detRows, detCols, options.Polar, options.Mask, options.AmorphousIsotropy);
        double[,] cosine = Similarity.CosineMatrix(w, k, detRows * detCols);
        bool rotate = options.ClusterBy == SimilarityMeasure.Diffraction;
        double[,] distances = Distances(rotate ? ds.Similarity : cosine);
        double[,] linkage = HierarchicalClustering.Linkage(distances, options.Linkage);
        int[] labels = options.ClusterCount is int count
            ? HierarchicalClustering.CutByCount(linkage, count)
            : HierarchicalClustering.CutByDistance(linkage, options.DistanceThreshold);
        var builder = new ClusterAverages(w, h, k, detRows, detCols, scanRows * scanCols, options);
        ComponentCluster[] clusters = builder.Build(labels, rotate ? ds.Similarity : cosine, rotate ? ds.Rotation : null);
        return new AnalysisResult
        {
            Components = k,
            DetRows = detRows,
            DetCols = detCols,
            ScanRows = h.IsEmpty ? 0 : scanRows,
            ScanCols = h.IsEmpty ? 0 : scanCols,
            Options = options,
            Cosine = cosine,
            DiffractionSimilarity = ds.Similarity,
            Rotation = ds.Rotation,
            BinDegrees = ds.BinDegrees,
            Isotropy = ds.Isotropy,
            Distances = distances,
            Linkage = linkage,
            Labels = labels,
            Clusters = clusters,
        };
    }

    private static double[,] Distances(double[,] similarity)
    {
        int k = similarity.GetLength(0);
        var d = new double[k, k];
        for (int i = 0; i < k; i++)
        {
            for (int j = i + 1; j < k; j++)
            {
                d[i, j] = d[j, i] = Math.Max(0, 1 - similarity[i, j]);
            }
        }

        return d;
    }
}
