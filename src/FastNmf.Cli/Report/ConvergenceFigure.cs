using ScottPlot;
using SkiaSharp;

namespace FastNmf.Cli.Report;

/// <summary>
/// Convergence plots (the paper's Fig. 7): MSE, ‖ΔW‖₁ and ‖ΔH‖₁ per iteration on log axes — for the kept restart, with
/// the PCA MSE of the same rank as the floor no rank-k factorization can go below; and over all restarts, the band
/// from the lowest to the highest value at each iteration with the median and the kept restart drawn in it.
/// </summary>
internal static class ConvergenceFigure
{
    private const int PanelWidth = 420;
    private const int PanelHeight = 320;

    /// <summary>The kept restart's three panels (caller disposes).</summary>
    /// <param name="kept">The kept restart's history.</param>
    /// <param name="pcaMse">MSE of the best rank-k approximation (PCA), or null when unknown.</param>
    /// <param name="rank">k, for the legend.</param>
    public static SKBitmap RenderKept(RunHistory kept, double? pcaMse, int rank)
    {
        var plots = new List<Plot>();
        foreach ((string name, double[] values) in kept.Series())
        {
            Plot plot = PlotPanels.Create($"{name}, kept restart", "iteration", name + " (log scale)");
            (double[] x, double[] y) = PlotPanels.Log10(values);
            PlotPanels.LogY(plot, y);
            var line = plot.Add.ScatterLine(x, y, PlotPanels.Blue);
            line.LineWidth = 2;
            line.LegendText = name;
            if (name == "MSE" && pcaMse is > 0)
            {
                var floor = plot.Add.HorizontalLine(Math.Log10(pcaMse.Value), 1.5f, PlotPanels.Grey, LinePattern.Dashed);
                floor.LegendText = $"PCA, rank {rank}: {PlotPanels.Format(pcaMse.Value, "G4")}";
            }

            plot.ShowLegend(Alignment.UpperRight);
            plots.Add(plot);
        }

        return Compose(plots);
    }

    /// <summary>The spread over restarts: band, median and kept restart per quantity (caller disposes).</summary>
    public static SKBitmap RenderSpread(IReadOnlyList<RunHistory> restarts, int kept)
    {
        var plots = new List<Plot>();
        string[] names = ["MSE", "‖ΔW‖₁", "‖ΔH‖₁"];
        for (int q = 0; q < names.Length; q++)
        {
            Plot plot = PlotPanels.Create($"{names[q]}, {restarts.Count} restarts", "iteration", names[q] + " (log scale)");
            double[][] series = restarts.Select(r => r.Series().ElementAt(q).Values).ToArray();
            (double[] x, double[] low, double[] median, double[] high) = Band(series);
            PlotPanels.LogY(plot, [.. low, .. high]);
            if (x.Length > 0)
            {
                var band = plot.Add.FillY(x, low, high);
                band.FillColor = PlotPanels.Blue.WithAlpha(0.25);
                band.LineWidth = 0;
                band.LegendText = "lowest to highest";
                var mid = plot.Add.ScatterLine(x, median, PlotPanels.Blue);
                mid.LineWidth = 1.5f;
                mid.LegendText = "median";
            }

            (double[] kx, double[] ky) = PlotPanels.Log10(series[kept]);
            var keptLine = plot.Add.ScatterLine(kx, ky, PlotPanels.Orange);
            keptLine.LineWidth = 1.5f;
            keptLine.LinePattern = LinePattern.Dashed;
            keptLine.LegendText = $"kept (restart {kept + 1})";
            plot.ShowLegend(Alignment.UpperRight);
            plots.Add(plot);
        }

        plots.Add(FinalMse(restarts, kept));
        return Compose(plots);
    }

    /// <summary>Per iteration over the restarts that ran it: log10 of the lowest, median and highest positive value.</summary>
    internal static (double[] X, double[] Low, double[] Median, double[] High) Band(IReadOnlyList<double[]> series)
    {
        int length = series.Count == 0 ? 0 : series.Max(s => s.Length);
        var x = new List<double>(length);
        var low = new List<double>(length);
        var median = new List<double>(length);
        var high = new List<double>(length);
        for (int i = 0; i < length; i++)
        {
            double[] at = series.Where(s => i < s.Length && double.IsFinite(s[i]) && s[i] > 0).Select(s => s[i]).Order().ToArray();
            if (at.Length == 0)
            {
                continue;
            }

            x.Add(i + 1);
            low.Add(Math.Log10(at[0]));
            high.Add(Math.Log10(at[^1]));
            median.Add(Math.Log10(at.Length % 2 == 1 ? at[at.Length / 2] : 0.5 * (at[(at.Length / 2) - 1] + at[at.Length / 2])));
        }

        return (x.ToArray(), low.ToArray(), median.ToArray(), high.ToArray());
    }

    private static Plot FinalMse(IReadOnlyList<RunHistory> restarts, int kept)
    {
        Plot plot = PlotPanels.Create("final MSE per restart", "restart", "final MSE");
        double[] x = Enumerable.Range(1, restarts.Count).Select(i => (double)i).ToArray();
        double[] y = restarts.Select(r => r.Mse.Length > 0 ? r.Mse[^1] : double.NaN).ToArray();
        var all = plot.Add.Markers(x, y, MarkerShape.FilledCircle, 8, PlotPanels.Blue);
        all.LegendText = "restart";
        var best = plot.Add.Markers(new[] { x[kept] }, new[] { y[kept] }, MarkerShape.OpenCircle, 16, PlotPanels.Orange);
        best.LegendText = "kept (lowest)";
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static SKBitmap Compose(List<Plot> plots)
    {
        try
        {
            return PlotPanels.Compose(plots, plots.Count == 4 ? 2 : plots.Count, PanelWidth, PanelHeight);
        }
        finally
        {
            plots.ForEach(p => p.Dispose());
        }
    }
}
