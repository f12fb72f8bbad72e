using FastNmf.Analysis;
using FastNmf.Cli.Rendering;
using ScottPlot;
using SkiaSharp;

namespace FastNmf.Cli.Report;

/// <summary>
/// The dendrogram of the hierarchical clustering (the paper's Fig. 9c–d): links coloured by flat cluster (grey above
/// the cut), the cut drawn as a dashed line, and under the tree each cluster's rotation-corrected average diffraction
/// as an inset, joined to the middle of its leaves.
/// </summary>
internal static class DendrogramFigure
{
    private const int PlotHeight = 440;
    private const int InsetBand = 200;
    private const int InsetSize = 120;
    private const int InsetGap = 24;

    /// <summary>A colour per cluster label (cycled), the Tableau palette the plots use.</summary>
    public static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#7f7f7f"];

    /// <summary>The colour of cluster <paramref name="label"/> (1-based).</summary>
    public static string ColourOf(int label) => Palette[(label - 1) % Palette.Length];

    /// <summary>Draws the figure (caller disposes).</summary>
    public static SKBitmap Render(AnalysisResult analysis)
    {
        int k = analysis.Components;
        DendrogramLayout layout = DendrogramLayout.Compute(analysis.Linkage, k);
        int[] nodeLabel = NodeLabels(analysis);
        string measure = analysis.Options.ClusterBy == SimilarityMeasure.Diffraction ? "diffraction similarity" : "cosine similarity";
        using Plot plot = PlotPanels.Create($"Hierarchical clustering ({analysis.Options.Linkage.ToString().ToLowerInvariant()} linkage)", "component", $"distance = 1 − {measure}");
        foreach ((double[] x, double[] y, int row) in layout.Links)
        {
            int label = nodeLabel[k + row];
            Color colour = label > 0 ? Color.FromHex(ColourOf(label)) : PlotPanels.Grey;
            var line = plot.Add.ScatterLine(x, y, colour);
            line.LineWidth = 2;
            line.MarkerSize = 0;
        }

        double top = analysis.Linkage.Length == 0 ? 1 : Enumerable.Range(0, k - 1).Max(r => analysis.Linkage[r, 2]);
        if (analysis.Options.ClusterCount is null)
        {
            var cut = plot.Add.HorizontalLine(analysis.Options.DistanceThreshold, 1.5f, PlotPanels.Grey, LinePattern.Dashed);
            cut.LegendText = $"cut at distance {PlotPanels.Format(analysis.Options.DistanceThreshold, "G3")}";
            top = Math.Max(top, analysis.Options.DistanceThreshold);
            plot.ShowLegend(Alignment.UpperRight);
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int c = 0; c < k; c++)
        {
            ticks.AddMajor(layout.LeafX[c], c.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimits(-0.6, k - 0.4, 0, Math.Max(top * 1.12, 0.05));

        IReadOnlyList<ComponentCluster> clusters = analysis.Clusters.OrderBy(c => c.Members.Average(m => layout.LeafX[m])).ToArray();
        int width = Math.Max(900, (clusters.Count * (InsetSize + InsetGap)) + 120);
        var bitmap = new SKBitmap(new SKImageInfo(width, PlotHeight + InsetBand, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        plot.Render(canvas, new PixelRect(0, width, PlotHeight, 0));
        DrawInsets(canvas, plot, layout, clusters, analysis, width);
        canvas.Flush();
        return bitmap;
    }

    /// <summary>Per tree node (components 0..k−1, merges k..2k−2), the flat-cluster label all its leaves share, or −1.</summary>
    internal static int[] NodeLabels(AnalysisResult analysis)
    {
        int k = analysis.Components;
        var label = new int[(2 * k) - 1];
        for (int c = 0; c < k; c++)
        {
            label[c] = analysis.Labels[c];
        }

        for (int row = 0; row < k - 1; row++)
        {
            int a = label[(int)analysis.Linkage[row, 0]];
            int b = label[(int)analysis.Linkage[row, 1]];
            label[k + row] = a == b ? a : -1;
        }

        return label;
    }

    private static void DrawInsets(SKCanvas canvas, Plot plot, DendrogramLayout layout, IReadOnlyList<ComponentCluster> clusters, AnalysisResult analysis, int width)
    {
        using var fonts = new MontageFonts();
        SKColor[] lut = MontageRenderer.BuildLut(viridis: true);
        float axisBottom = plot.LastRender.DataRect.Bottom;
        float rowTop = PlotHeight + 22;
        float span = (clusters.Count * InsetSize) + ((clusters.Count - 1) * InsetGap);
        float left = (width - span) / 2f;
        using var text = new SKPaint { Color = new SKColor(0x20, 0x20, 0x20), IsAntialias = true };
        using var pen = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true };
        for (int i = 0; i < clusters.Count; i++)
        {
            ComponentCluster cluster = clusters[i];
            SKColor colour = SKColor.Parse(ColourOf(cluster.Label));
            pen.Color = colour;
            float insetLeft = left + (i * (InsetSize + InsetGap));
            float centre = plot.GetPixel(new Coordinates(cluster.Members.Average(m => layout.LeafX[m]), 0)).X;
            canvas.DrawLine(centre, axisBottom + 30, insetLeft + (InsetSize / 2f), rowTop - 2, pen);
            var target = SKRectI.Create((int)insetLeft, (int)rowTop, InsetSize, InsetSize);
            MontageRenderer.DrawImage(canvas, target, cluster.AverageDiffraction, analysis.DetRows, analysis.DetCols, IntensityLimits.Compute(cluster.AverageDiffraction), IntensityScale.Sqrt, lut);
            canvas.DrawRect(target.Left - 1, target.Top - 1, target.Width + 2, target.Height + 2, pen);
            string name = $"cluster {cluster.Label}{(cluster.IsAmorphous ? " (amorphous)" : string.Empty)}";
            string members = cluster.Members.Count == 1 ? $"component {cluster.Members[0]}" : $"{cluster.Members.Count} components";
            canvas.DrawText(name, insetLeft, target.Bottom + 16, SKTextAlign.Left, fonts.Caption, text);
            canvas.DrawText(members, insetLeft, target.Bottom + 31, SKTextAlign.Left, fonts.Caption, text);
        }
    }
}
