using System.Diagnostics;
using System.Globalization;
using FastNmf.Analysis;
using FastNmf.Cli.Report;
using FastNmf.Data;

namespace FastNmf.Cli.Commands;

/// <summary>
/// The <c>--report</c> step of factorize and demo: the PCA spectrum of X (pca.json, the floor under the MSE curve),
/// then the analysis and report.html read back from the staging directory — the same path <c>analyze DIR</c> takes.
/// </summary>
internal static class ReportStep
{
    /// <summary>PCA components computed for the report: enough to show where the spectrum flattens.</summary>
    public static int PcaComponents(int k, UnfoldedData x) => PcaComponents(k, x.NUv, x.Slab.TotalFrames);

    /// <summary>The PCA components the report draws for k components of X of <paramref name="pixels"/> × <paramref name="frames"/>.</summary>
    public static int PcaComponents(int k, int pixels, long frames) => (int)Math.Min(Math.Max(20, 2 * k), Math.Min(pixels, frames));

    /// <summary>
    /// The randomised PCA's tolerance for the report (the <c>pca</c> verb keeps the library's 10⁻⁶): the curve and its
    /// bound under the NMF's MSE to about 2·10⁻⁴ of the MSE, where 10⁻⁶ took twice to four times as many Krylov steps
    /// (58×58 k = 30 set, K = 30: MSE_30 off by 2.0·10⁻⁴ in 618 ms against 3.3·10⁻⁷ in 2234 ms, `perf -- analysis krylov
    /// 58 1e-4,16 1e-6,16`; a 256×256 scan's report PCA took about 80 s at 10⁻⁶ in a scaling run before this setting,
    /// not recorded in perf/results).
    /// </summary>
    public const double ReportTolerance = 1e-4;

    /// <summary>The report's PCA (collective on <paramref name="comm"/>: every rank calls it with its slab).</summary>
    public static PcaSpectrum Spectrum(NmfResult result, UnfoldedData x, Distributed.Communicator? comm = null) =>
        PcaWithStatus.Run(x, PcaComponents(result.Components, x), new PcaOptions { Threads = result.Threads, Seed = result.Options.Seed, Tolerance = ReportTolerance }, comm);

    public static void Run(string stagingDir, string finalDir, NmfResult result, UnfoldedData x, string? truthDir, AnalysisOptions analysis, string produced) =>
        Run(stagingDir, finalDir, result, Spectrum(result, x), truthDir, analysis, produced);

    /// <summary>The report from a PCA spectrum already computed (a distributed run computes it on every rank).</summary>
    public static void Run(string stagingDir, string finalDir, NmfResult result, PcaSpectrum spectrum, string? truthDir, AnalysisOptions analysis, string produced)
    {
        var clock = Stopwatch.StartNew();
        PcaCurve pca = PcaCurve.From(spectrum, PcaCurve.DefaultFraction);
        pca.Write(Path.Combine(stagingDir, PcaCurve.FileName));
        Console.WriteLine($"PCA ({pca.Method}, {spectrum.Elapsed.TotalSeconds:F2} s): rank-{result.Components} MSE {pca.Mse[Math.Min(result.Components, pca.MaxComponents)]:F8} (NMF {result.Mse:F8}); suggested k = {pca.Suggested}");
        ReportSource source = ReportSource.Read(stagingDir, truthDir);
        (AnalysisResult? a, _) = ReportWriter.Write(source, stagingDir, new ReportContext(analysis, null, produced, finalDir));
        PrintClusters(a);
        Console.WriteLine($"analysis and report: {clock.Elapsed.TotalSeconds:F2} s");
    }

    /// <summary>One line per cluster: members with their angles, amorphous or crystalline.</summary>
    public static void PrintClusters(AnalysisResult? a)
    {
        if (a is null)
        {
            Console.WriteLine("analysis: one component, nothing to cluster");
            return;
        }

        int amorphous = a.Clusters.Count(c => c.IsAmorphous);
        Console.WriteLine($"clusters ({a.Options.ClusterBy.ToString().ToLowerInvariant()} similarity, {a.Options.Linkage.ToString().ToLowerInvariant()} linkage): {a.Clusters.Count} — {amorphous} amorphous, {a.Clusters.Count - amorphous} crystalline");
        foreach (ComponentCluster c in a.Clusters)
        {
            string members = string.Join(", ", c.Members.Select((m, i) => c.Members.Count == 1 ? m.ToString(CultureInfo.InvariantCulture) : $"{m} ({AnalysisSections.Angle(c.Angles[i])})"));
            Console.WriteLine($"  cluster {c.Label}: {(c.IsAmorphous ? "amorphous  " : "crystalline")} components {members}");
        }
    }
}
