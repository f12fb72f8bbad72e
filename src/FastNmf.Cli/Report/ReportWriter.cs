using System.Diagnostics;
using System.Globalization;
using FastNmf.Analysis;
using FastNmf.Cli.Rendering;

namespace FastNmf.Cli.Report;

/// <summary>
/// Analyses a result directory's factors and writes the analysis files (<see cref="AnalysisFiles"/>), the figures
/// (figures/*.png) and report.html into a target directory — the staging directory of the run, so nothing appears
/// before everything is complete.
/// </summary>
internal static class ReportWriter
{
    /// <summary>The page's name.</summary>
    public const string PageName = "report.html";

    /// <summary>Top-level names the report may write (the analysis files, the page, the figures folder).</summary>
    public static IReadOnlyList<string> Names { get; } = [.. AnalysisFiles.Names, PageName, FigureSink.Folder];

    /// <summary>Analyses <paramref name="source"/> and writes everything into <paramref name="targetDir"/>.</summary>
    /// <returns>The analysis (null when there is one component: nothing to compare) and the files written.</returns>
    public static (AnalysisResult? Analysis, IReadOnlyList<string> Files) Write(ReportSource source, string targetDir, ReportContext context)
    {
        var clock = Stopwatch.StartNew();
        Factors f = source.Factors;
        AnalysisResult? analysis = f.Components < 2
            ? null
            : f.H is null
                ? ComponentAnalysis.Run(f.W, f.Components, f.DetRows, f.DetCols, context.Analysis)
                : ComponentAnalysis.Run(f.W, f.H, f.Components, f.DetRows, f.DetCols, f.ScanRows, f.ScanCols, context.Analysis);
        var files = new List<string>();
        if (analysis is not null)
        {
            files.AddRange(AnalysisFiles.Write(targetDir, analysis));
        }

        var sink = new FigureSink(targetDir);
        var page = new HtmlPage();

        // Sections are rendered first (they need the figures); the run table is inserted with the final timing.
        var body = new HtmlPage();
        RunSections.Components(body, sink, f, Captions(f, analysis));
        (float[] Weights, int Size)? kernel = source.Summary?.MapKernel;
        string kernelSource = "map kernel from summary.json";
        if (kernel is null && context.FallbackKernel is { } fallback)
        {
            kernel = (fallback.Weights.ToArray(), fallback.Size);
            kernelSource = $"map kernel {fallback.Description}";
        }

        RunSections.MapSpectra(body, sink, f, kernel, kernelSource);
        RunSections.Convergence(body, sink, source);
        RunSections.Pca(body, sink, source.Pca, f.Components, source.Summary?.History?.Mse.LastOrDefault());
        if (analysis is not null)
        {
            AnalysisSections.Similarity(body, sink, analysis, AnalysisFiles.CosineLabels(analysis));
            AnalysisSections.Clustering(body, sink, analysis);
        }
        else
        {
            body.Section("clustering", "Similarity and clustering");
            body.Paragraph("One component: nothing to compare or cluster.", "note");
            body.EndSection();
        }

        if (source.Truth is { } truth)
        {
            TruthSection.Write(body, sink, f, truth, analysis);
        }

        RunSections.Parameters(page, source, clock.Elapsed);
        page.Append(body);
        files.AddRange(sink.Written);
        files.Add(PageName);
        page.Section("files", "Files");
        page.Paragraph($"Written to {Path.GetFullPath(context.ResultDirectory)}: " + string.Join(", ", files) + ". Every figure of this page is also saved as a PNG under figures/.", "note");
        page.EndSection();
        string title = $"FastNmf report: {Path.GetFileName(Path.GetFullPath(context.ResultDirectory).TrimEnd(Path.DirectorySeparatorChar))}";
        string lead = $"{context.Produced}, {DateTime.Now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}. k = {f.Components} components" +
            (f.H is null ? $", diffractions {f.DetRows}×{f.DetCols} (no maps)." : $", diffractions {f.DetRows}×{f.DetCols}, maps {f.ScanRows}×{f.ScanCols}.");
        File.WriteAllText(Path.Combine(targetDir, PageName), page.Render(title, lead));
        return (analysis, files);
    }

    private static string[] Captions(Factors f, AnalysisResult? a) =>
        Enumerable.Range(0, f.Components).Select(c =>
        {
            string norm = f.H is null ? string.Empty : $"‖h‖₂ = {MontageRenderer.FormatNumber(Math.Sqrt(f.Map(c).Sum(v => (double)v * v)))}";
            string cluster = a is null ? string.Empty : $"cluster {a.Labels[c]}{(a.Clusters.First(x => x.Label == a.Labels[c]).IsAmorphous ? " (amorphous)" : string.Empty)}";
            return string.Join(" · ", new[] { norm, cluster }.Where(s => s.Length > 0));
        }).ToArray();
}
