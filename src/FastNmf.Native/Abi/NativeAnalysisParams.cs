using System.Runtime.InteropServices;
using FastNmf.Analysis;

namespace FastNmf.Native.Abi;

/// <summary><c>fastnmf_analysis_params</c>: settings of the component analysis (32 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeAnalysisParams
{
    public uint StructSize;
    public int ClusterBy;
    public int Linkage;
    public int ClusterCount;
    public double DistanceThreshold;
    public double AmorphousIsotropy;

    /// <summary>The defaults of <see cref="AnalysisOptions"/>.</summary>
    public static unsafe NativeAnalysisParams Defaults
    {
        get
        {
            var o = new AnalysisOptions();
            return new NativeAnalysisParams
            {
                StructSize = (uint)sizeof(NativeAnalysisParams),
                ClusterBy = (int)o.ClusterBy,
                Linkage = (int)o.Linkage,
                ClusterCount = o.ClusterCount ?? 0,
                DistanceThreshold = o.DistanceThreshold,
                AmorphousIsotropy = o.AmorphousIsotropy,
            };
        }
    }
}
