using ScottPlot;
using SkiaSharp;

namespace FastNmf.Cli.Report;

/// <summary>A k × k similarity matrix as a heatmap (0 to 1, viridis, colour bar), component 0 at the top left, each
/// cell annotated with its value and, when given, a second matrix's value (the rotation angle in degrees).</summary>
internal static class HeatmapFigure
{
    private const int MaxAnnotated = 12;

    /// <summary>Draws the heatmap (caller disposes).</summary>
    /// <param name="title">Panel title.</param>
    /// <param name="values">k × k, in [0, 1].</param>
    /// <param name="angles">k × k rotation angles in degrees to print under each value, or null.</param>
    public static SKBitmap Render(string title, double[,] values, double[,]? angles)
    {
        int k = values.GetLength(0);
        using Plot plot = PlotPanels.Create(title, "component", "component");

        // ScottPlot centres cell (i, j) on (x = j, y = i); with the y axis inverted below, row 0 is at the top.
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ViridisColormap();
        map.ManualRange = new ScottPlot.Range(0, 1);
        plot.Add.ColorBar(map);
        if (k <= MaxAnnotated)
        {
            float size = k <= 6 ? 13 : 10;
            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < k; j++)
                {
                    string text = PlotPanels.Format(values[i, j], "F2") + (angles is null || i == j ? string.Empty : "\n" + PlotPanels.Format(Math.Round(angles[i, j]) + 0.0, "F0") + "°");
                    var label = plot.Add.Text(text, j, i);
                    label.LabelFontSize = size;
                    label.LabelFontName = "DejaVu Sans";
                    label.LabelAlignment = Alignment.MiddleCenter;
                    label.LabelFontColor = values[i, j] > 0.6 ? Colors.Black : Colors.White;
                }
            }
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < k; i++)
        {
            ticks.AddMajor(i, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.SetLimits(-0.5, k - 0.5, k - 0.5, -0.5);
        int size2 = Math.Clamp(180 + (40 * k), 420, 900);
        return PlotPanels.Compose([plot], 1, size2 + 90, size2);
    }
}
