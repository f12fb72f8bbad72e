using System.Globalization;
using FastNmf.Analysis;
using FastNmf.Cli.Rendering;

namespace FastNmf.Cli.Report;

/// <summary>The report's sections about the components' relations: similarities, clustering, comparison with the truth.</summary>
internal static class AnalysisSections
{
    public static void Similarity(HtmlPage page, FigureSink sink, AnalysisResult a, int[] cosineLabels)
    {
        page.Section("similarity", "Similarity of the diffractions");
        byte[] cosine = sink.Save(HeatmapFigure.Render("cosine similarity (Eq. 9)", a.Cosine, null), "similarity-cosine.png");
        page.Figure(cosine, "cosine similarity", "Cosine similarity ⟨w_i, w_j⟩/(‖w_i‖‖w_j‖) of every pair of diffractions (Eq. 9): 1 for identical patterns, blind to rotation — a lattice rotated by a few degrees scores as a different pattern. Saved as similarity.npy.", FigureSink.PathOf("similarity-cosine.png"));
        byte[] diffraction = sink.Save(HeatmapFigure.Render("diffraction similarity (Eq. 10) and rotation", a.DiffractionSimilarity, a.Rotation), "similarity-diffraction.png");
        page.Figure(diffraction, "diffraction similarity",
            $"Rotation-invariant diffraction similarity (Eq. 10): the peak of the normalised cross-correlation of the polar transforms w′(r, φ) along φ. Under each value, the rotation angle at the peak (Eq. 11), degrees counter-clockwise as displayed, by which component j (column) is rotated relative to component i (row); φ bins of {a.BinDegrees.ToString("G3", CultureInfo.InvariantCulture)}°. Saved as diffraction-similarity.npy and rotation.npy.",
            FigureSink.PathOf("similarity-diffraction.png"));
        int byDiffraction = a.Clusters.Count;
        int byCosine = cosineLabels.Distinct().Count();
        page.Paragraph($"Cut at the same distance, the diffraction similarity gives {Plural(byDiffraction, "cluster")} and the cosine similarity {Plural(byCosine, "cluster")} ({Groups(cosineLabels)}). The cosine similarity also counts the amorphous rings every component carries and knows no rotation, so rotated copies of one lattice score low against each other; the diffraction similarity compares the Bragg spots up to a rotation (labels of both in clusters.json).");
        page.EndSection();
    }

    public static void Clustering(HtmlPage page, FigureSink sink, AnalysisResult a)
    {
        page.Section("clustering", "Clustering");
        int amorphous = a.Clusters.Count(c => c.IsAmorphous);
        page.Paragraph($"{Plural(a.Clusters.Count, "cluster")}: {amorphous} amorphous, {a.Clusters.Count - amorphous} crystalline. " +
            $"Hierarchical clustering on 1 − {(a.Options.ClusterBy == SimilarityMeasure.Diffraction ? "diffraction" : "cosine")} similarity, {a.Options.Linkage.ToString().ToLowerInvariant()} linkage, " +
            (a.Options.ClusterCount is int n ? $"cut into at most {n} clusters." : $"cut at distance {a.Options.DistanceThreshold.ToString("G3", CultureInfo.InvariantCulture)}."));
        byte[] tree = sink.Save(DendrogramFigure.Render(a), "dendrogram.png");
        page.Figure(tree, "dendrogram",
            "Dendrogram (linkage.npy, SciPy's format): link heights are distances; links inside one flat cluster share its colour. Insets: each cluster's average diffraction after rotating every member back onto the cluster's representative (sqrt scale)" +
            (a.HasMaps ? ", weighted by the counts each member explains." : "."), FigureSink.PathOf("dendrogram.png"));
        var rows = a.Clusters.Select(c => (IReadOnlyList<string>)
        [
            c.Label.ToString(CultureInfo.InvariantCulture),
            c.IsAmorphous ? "amorphous" : "crystalline",
            string.Join(", ", c.Members.Select((m, i) => $"{m} ({Angle(c.Angles[i])})")),
            c.Representative.ToString(CultureInfo.InvariantCulture),
            c.Isotropy.ToString("F3", CultureInfo.InvariantCulture),
            c.SummedMap is { } map ? map.Sum(v => (double)v).ToString("G4", CultureInfo.InvariantCulture) : "–",
        ]).ToList();
        page.Table(["cluster", "kind", "members (angle relative to the representative)", "representative", "isotropy", "counts"], rows);
        page.Paragraph($"Isotropy: the share of the average diffraction's polar energy in its φ-average (1 = rings only); from {a.Options.AmorphousIsotropy.ToString("G3", CultureInfo.InvariantCulture)} on, a cluster is called amorphous. Counts: electrons the cluster's summed map holds. Written to clusters.json, cluster-diffractions.npy{(a.HasMaps ? " and cluster-maps.npy" : string.Empty)}.", "note");
        var cells = a.Clusters.Select(c =>
        {
            var images = new List<GridImage> { new(c.AverageDiffraction, a.DetRows, a.DetCols, IntensityScale.Sqrt, IntensityLimits.Compute(c.AverageDiffraction)) };
            if (c.SummedMap is { } map)
            {
                images.Add(new GridImage(map, a.ScanRows, a.ScanCols, IntensityScale.Linear, IntensityLimits.Compute(map)));
            }

            return new GridCell($"cluster {c.Label}", $"{(c.IsAmorphous ? "amorphous" : "crystalline")} · components {string.Join(", ", c.Members)}", images);
        }).ToList();
        byte[] grid = sink.Save(ImageGridFigure.Render("Clusters", a.HasMaps ? "average diffraction (sqrt) · summed map (counts)" : "average diffraction (sqrt)", cells, a.HasMaps ? 2 : 4, null), "clusters.png");
        page.Figure(grid, "cluster averages", "Each cluster's rotation-corrected average diffraction" + (a.HasMaps ? " and the sum of its members' maps (counts per scan position)." : "."), FigureSink.PathOf("clusters.png"));
        page.EndSection();
    }

    internal static string Angle(double degrees) => (degrees >= 0 ? "+" : "−") + Math.Abs(degrees).ToString("F1", CultureInfo.InvariantCulture) + "°";

    internal static string Plural(int n, string what) => $"{n} {what}{(n == 1 ? string.Empty : "s")}";

    private static string Groups(IReadOnlyList<int> labels) =>
        string.Join("; ", labels.Select((l, c) => (l, c)).GroupBy(p => p.l).OrderBy(g => g.Key).Select(g => "{" + string.Join(", ", g.Select(p => p.c)) + "}"));
}
