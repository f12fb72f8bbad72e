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
            AnalysisOutputs.Similarities(lease.Session.RequireAnalysis(), cosine, diffraction, rotation, capacity, required);
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
            AnalysisOutputs.Linkage(lease.Session.RequireAnalysis(), output, capacity, required);
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
            AnalysisOutputs.Labels(lease.Session.RequireAnalysis(), output, capacity, required);
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
            AnalysisOutputs.ClusterAverage(lease.Session.RequireAnalysis(), label, output, capacity, required);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_factorizer_get_cluster_average");
        }
    }

    internal static AnalysisOptions ToOptions(in NativeAnalysisParams p)
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
}
