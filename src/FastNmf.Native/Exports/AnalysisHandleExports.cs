using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastNmf.Analysis;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Native.Abi;
using FastNmf.Native.Data;
using FastNmf.Native.Errors;
using FastNmf.Native.Handles;

namespace FastNmf.Native.Exports;

/// <summary>The paper's analysis of any diffractions (another tool's, or a model's), as a handle of its own.</summary>
internal static unsafe class AnalysisHandleExports
{
    [UnmanagedCallersOnly(EntryPoint = "fastnmf_analysis_create", CallConvs = [typeof(CallConvCdecl)])]
    public static int Create(float* w, int components, int detRows, int detCols, byte* mask, float* maps, int scanRows, int scanCols,
        double centreRow, double centreCol, int phiSamples, NativeAnalysisParams* parameters, nint* output)
    {
        try
        {
            LastError.Clear();
            CApiException.ThrowIfNull(output, "out");
            *output = 0;
            CApiException.ThrowIfNull(w, "w");
            if (components < 2 || detRows < 1 || detCols < 1 || (long)components * detRows * detCols > Array.MaxLength)
            {
                throw new CApiException(Status.InvalidArgument, $"components {components} × {detRows}×{detCols} detector: the analysis compares at least 2 components, every dimension at least 1.");
            }

            if (maps != null && (scanRows < 1 || scanCols < 1 || (long)components * scanRows * scanCols > Array.MaxLength))
            {
                throw new CApiException(Status.InvalidArgument, $"maps of {scanRows}×{scanCols}: every dimension must be at least 1.");
            }

            if (phiSamples is < 4 or > 100_000)
            {
                throw new CApiException(Status.InvalidArgument, $"phi_samples = {phiSamples}; use 4..100000 (360 is the paper's).");
            }

            int pixels = detRows * detCols;
            AnalysisOptions options = AnalysisExports.ToOptions(AbiStruct.Read(parameters, "params")) with
            {
                Polar = new PolarConstraintOptions(centreRow < 0 ? null : centreRow, centreCol < 0 ? null : centreCol, phiSamples),
                Mask = mask == null ? null : MaskOf(mask, detRows, detCols),
            };
            var diffractions = new ReadOnlySpan<float>(w, components * pixels);
            AnalysisResult result = maps == null
                ? ComponentAnalysis.Run(diffractions, components, detRows, detCols, options)
                : ComponentAnalysis.Run(diffractions, new ReadOnlySpan<float>(maps, components * scanRows * scanCols), components, detRows, detCols, scanRows, scanCols, options);
            *output = Sessions.Analyses.Add(new AnalysisSession(result));
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_analysis_create");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_analysis_get_similarities", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetSimilarities(nint analysis, double* cosine, double* diffraction, double* rotation, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            using Lease<AnalysisSession> lease = Sessions.Analyses.Enter(analysis);
            AnalysisOutputs.Similarities(lease.Value.Result, cosine, diffraction, rotation, capacity, required);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_analysis_get_similarities");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_analysis_get_linkage", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetLinkage(nint analysis, double* output, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            using Lease<AnalysisSession> lease = Sessions.Analyses.Enter(analysis);
            AnalysisOutputs.Linkage(lease.Value.Result, output, capacity, required);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_analysis_get_linkage");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_analysis_get_cluster_labels", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetClusterLabels(nint analysis, int* output, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            using Lease<AnalysisSession> lease = Sessions.Analyses.Enter(analysis);
            AnalysisOutputs.Labels(lease.Value.Result, output, capacity, required);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_analysis_get_cluster_labels");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_analysis_get_cluster_average", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetClusterAverage(nint analysis, int label, float* output, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            using Lease<AnalysisSession> lease = Sessions.Analyses.Enter(analysis);
            AnalysisOutputs.ClusterAverage(lease.Value.Result, label, output, capacity, required);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_analysis_get_cluster_average");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_analysis_destroy", CallConvs = [typeof(CallConvCdecl)])]
    public static int Destroy(nint analysis)
    {
        try
        {
            LastError.Clear();
            Sessions.Analyses.Destroy(analysis);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_analysis_destroy");
        }
    }

    private static DetectorMask MaskOf(byte* mask, int detRows, int detCols)
    {
        var masked = new bool[detRows * detCols];
        for (int i = 0; i < masked.Length; i++)
        {
            masked[i] = mask[i] != 0;
        }

        return new DetectorMask(masked, detRows, detCols);
    }
}
