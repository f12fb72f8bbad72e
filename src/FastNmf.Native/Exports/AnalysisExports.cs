using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastNmf.Analysis;
using FastNmf.Native.Abi;
using FastNmf.Native.Data;
using FastNmf.Native.Errors;
using FastNmf.Native.Handles;

namespace FastNmf.Native.Exports;

/// <summary>The paper's analysis of the last result (similarities, rotations, linkage, flat clusters) and its outputs.</summary>
internal static unsafe class AnalysisExports
{
    [UnmanagedCallersOnly(EntryPoint = "fastnmf_analysis_params_init", CallConvs = [typeof(CallConvCdecl)])]
    public static int ParamsInit(NativeAnalysisParams* parameters, uint structSize)
    {
        try
        {
            LastError.Clear();
            AbiStruct.Init(parameters, structSize, NativeAnalysisParams.Defaults, "params");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_analysis_params_init");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_analyze", CallConvs = [typeof(CallConvCdecl)])]
    public static int Analyze(nint factorizer, NativeAnalysisParams* parameters)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            AnalysisOptions options = ToOptions(AbiStruct.Read(parameters, "params"));
            lease.Session.Analyze(options);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_analyze");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_get_similarities", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetSimilarities(nint factorizer, double* cosine, double* diffraction, double* rotation, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            AnalysisResult a = lease.Session.RequireAnalysis();
            // All three checked before any is written: a failing call leaves the caller's buffers untouched.
            OutputBuffer.Require(a.Cosine.Length, capacity, required, "each k × k matrix");
            CApiException.ThrowIfNull(cosine, "cosine");
            CApiException.ThrowIfNull(diffraction, "diffraction_similarity");
            CApiException.ThrowIfNull(rotation, "rotation");
            OutputBuffer.Copy(Flat(a.Cosine), cosine, capacity, null, "cosine");
            OutputBuffer.Copy(Flat(a.DiffractionSimilarity), diffraction, capacity, null, "diffraction_similarity");
            OutputBuffer.Copy(Flat(a.Rotation), rotation, capacity, null, "rotation");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_get_similarities");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_get_linkage", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetLinkage(nint factorizer, double* output, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            OutputBuffer.Copy(Flat(lease.Session.RequireAnalysis().Linkage), output, capacity, required, "out (linkage)");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_get_linkage");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_get_cluster_labels", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetClusterLabels(nint factorizer, int* output, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            int[] labels = lease.Session.RequireAnalysis().Labels.ToArray();
            OutputBuffer.Copy<int>(labels, output, capacity, required, "out (labels)");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_get_cluster_labels");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_factorizer_get_cluster_average", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetClusterAverage(nint factorizer, int label, float* output, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            using Lease<Session> lease = Sessions.Enter(factorizer);
            IReadOnlyList<ComponentCluster> clusters = lease.Session.RequireAnalysis().Clusters;
            ComponentCluster cluster = clusters.FirstOrDefault(c => c.Label == label)
                ?? throw new CApiException(Status.InvalidArgument, $"label = {label}; the clusters are labelled 1..{clusters.Count}.");
            OutputBuffer.Copy<float>(cluster.AverageDiffraction, output, capacity, required, "out (average diffraction)");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_get_cluster_average");
        }
    }

    private static AnalysisOptions ToOptions(in NativeAnalysisParams p)
    {
        if (!Enum.IsDefined((SimilarityMeasure)p.ClusterBy))
        {
            throw new CApiException(Status.InvalidArgument, $"params->cluster_by = {p.ClusterBy} is not one of FASTNMF_SIMILARITY_DIFFRACTION/COSINE (0..1).");
        }

        if (!Enum.IsDefined((LinkageMethod)p.Linkage))
        {
            throw new CApiException(Status.InvalidArgument, $"params->linkage = {p.Linkage} is not one of FASTNMF_LINKAGE_SINGLE/COMPLETE/AVERAGE/WARD (0..3).");
        }

        if (p.ClusterCount < 0)
        {
            throw new CApiException(Status.InvalidArgument, $"params->cluster_count = {p.ClusterCount}; use 0 to cut at distance_threshold.");
        }

        // Range checks of the thresholds are the library's (AnalysisOptions validates them when the analysis runs).
        return new AnalysisOptions
        {
            ClusterBy = (SimilarityMeasure)p.ClusterBy,
            Linkage = (LinkageMethod)p.Linkage,
            ClusterCount = p.ClusterCount == 0 ? null : p.ClusterCount,
            DistanceThreshold = p.DistanceThreshold,
            AmorphousIsotropy = p.AmorphousIsotropy,
        };
    }

    // Row-major copy of a k × k (or (k − 1) × 4) matrix.
    private static double[] Flat(double[,] matrix)
    {
        var flat = new double[matrix.Length];
        Buffer.BlockCopy(matrix, 0, flat, 0, matrix.Length * sizeof(double));
        return flat;
    }
}
