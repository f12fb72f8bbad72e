using FastNmf.Analysis;
using FastNmf.Native.Abi;
using FastNmf.Native.Errors;

namespace FastNmf.Native.Data;

/// <summary>An analysis's outputs copied into caller buffers, for the factorizer's analysis and an analysis handle alike.</summary>
internal static unsafe class AnalysisOutputs
{
    /// <summary>Cosine, diffraction similarity and rotation, k × k each; all three checked before any is written.</summary>
    public static void Similarities(AnalysisResult a, double* cosine, double* diffraction, double* rotation, nuint capacity, nuint* required)
    {
        OutputBuffer.Require(a.Cosine.Length, capacity, required, "each k × k matrix");
        CApiException.ThrowIfNull(cosine, "cosine");
        CApiException.ThrowIfNull(diffraction, "diffraction_similarity");
        CApiException.ThrowIfNull(rotation, "rotation");
        OutputBuffer.Copy(Flat(a.Cosine), cosine, capacity, null, "cosine");
        OutputBuffer.Copy(Flat(a.DiffractionSimilarity), diffraction, capacity, null, "diffraction_similarity");
        OutputBuffer.Copy(Flat(a.Rotation), rotation, capacity, null, "rotation");
    }

    /// <summary>The (k − 1) × 4 linkage matrix, SciPy's format.</summary>
    public static void Linkage(AnalysisResult a, double* output, nuint capacity, nuint* required) =>
        OutputBuffer.Copy(Flat(a.Linkage), output, capacity, required, "out (linkage)");

    /// <summary>Each component's flat-cluster label, 1-based.</summary>
    public static void Labels(AnalysisResult a, int* output, nuint capacity, nuint* required) =>
        OutputBuffer.Copy<int>(a.Labels.ToArray(), output, capacity, required, "out (labels)");

    /// <summary>The rotation-corrected average diffraction of cluster <paramref name="label"/>.</summary>
    public static void ClusterAverage(AnalysisResult a, int label, float* output, nuint capacity, nuint* required)
    {
        ComponentCluster cluster = a.Clusters.FirstOrDefault(c => c.Label == label)
            ?? throw new CApiException(Status.InvalidArgument, $"label = {label}; the clusters are labelled 1..{a.Clusters.Count}.");
        OutputBuffer.Copy<float>(cluster.AverageDiffraction, output, capacity, required, "out (average diffraction)");
    }

    // Row-major copy of a k × k (or (k − 1) × 4) matrix.
    private static double[] Flat(double[,] matrix)
    {
        var flat = new double[matrix.Length];
        Buffer.BlockCopy(matrix, 0, flat, 0, matrix.Length * sizeof(double));
        return flat;
    }
}
