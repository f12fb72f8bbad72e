namespace FastNmf.Native.Handles;

/// <summary>The process-wide handle tables: factorizers, models, analyses and live scans.</summary>
internal static class Sessions
{
    /// <summary><c>fastnmf_factorizer*</c>.</summary>
    public static HandleRegistry<Session> Factorizers { get; } = new(0x5A, "factorizer", "fastnmf_factorizer_create");

    /// <summary><c>fastnmf_model*</c>.</summary>
    public static HandleRegistry<ModelSession> Models { get; } = new(0x5B, "model", "fastnmf_model_load, fastnmf_model_create or fastnmf_factorizer_get_model");

    /// <summary><c>fastnmf_analysis*</c>.</summary>
    public static HandleRegistry<AnalysisSession> Analyses { get; } = new(0x5C, "analysis", "fastnmf_analysis_create");

    /// <summary><c>fastnmf_live*</c>.</summary>
    public static HandleRegistry<LiveSession> Lives { get; } = new(0x5D, "live", "fastnmf_live_create");

    public static nint Add(Session session) => Factorizers.Add(session);

    public static Lease<Session> Enter(nint handle) => Factorizers.Enter(handle);

    public static void Destroy(nint handle) => Factorizers.Destroy(handle);
}
