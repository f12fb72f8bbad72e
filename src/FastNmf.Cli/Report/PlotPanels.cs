using System.Globalization;
using FastNmf.Cli.Rendering;
using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;

namespace FastNmf.Cli.Report;

/// <summary>Shared look of the report's ScottPlot panels, log axes, and composition of several panels into one PNG.</summary>
internal static class PlotPanels
{
    /// <summary>Line colours (matplotlib's first Tableau colours, familiar from the paper's figures).</summary>
    public static readonly Color Blue = Color.FromHex("#1f77b4");

    /// <summary>Second line colour.</summary>
    public static readonly Color Orange = Color.FromHex("#ff7f0e");

    /// <summary>Third line colour.</summary>
    public static readonly Color Green = Color.FromHex("#2ca02c");

    /// <summary>Reference lines.</summary>
    public static readonly Color Grey = Color.FromHex("#555555");

    /// <summary>A panel with DejaVu Sans text (the font CI installs), a title and axis labels.</summary>
    public static Plot Create(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        plot.Title(title, 15);
        plot.XLabel(xLabel, 13);
        plot.YLabel(yLabel, 13);
        return plot;
    }

    /// <summary>Makes the left axis logarithmic: the plotted values must be log10 of the data (see <see cref="Log10"/>);
    /// ticks read as the data. Ticks sit on whole decades when the data span two or more, in between otherwise (an MSE
    /// that settles within one decade would get no tick at all).</summary>
    public static void LogY(Plot plot, IEnumerable<double> log10Values)
    {
        double[] finite = log10Values.Where(double.IsFinite).ToArray();
        bool decades = finite.Length > 0 && finite.Max() - finite.Min() >= 2;
        var ticks = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = decades,
            LabelFormatter = y => MontageRenderer.FormatNumber(Math.Pow(10, y)),
        };
        plot.Axes.Left.TickGenerator = ticks;
    }

    /// <summary>The (x, log10 y) points with a finite, positive y: zeros and NaN cannot sit on a log axis.</summary>
    public static (double[] X, double[] Y) Log10(IReadOnlyList<double> y, int firstX = 1)
    {
        var xs = new List<double>(y.Count);
        var ys = new List<double>(y.Count);
        for (int i = 0; i < y.Count; i++)
        {
            if (double.IsFinite(y[i]) && y[i] > 0)
            {
                xs.Add(i + firstX);
                ys.Add(Math.Log10(y[i]));
            }
        }

        return (xs.ToArray(), ys.ToArray());
    }

    /// <summary>Renders <paramref name="plots"/> into a grid of equal panels on one white bitmap (caller disposes).</summary>
    public static SKBitmap Compose(IReadOnlyList<Plot> plots, int columns, int panelWidth, int panelHeight)
    {
        columns = Math.Clamp(columns, 1, Math.Max(1, plots.Count));
        int rows = (plots.Count + columns - 1) / columns;
        var bitmap = new SKBitmap(new SKImageInfo(columns * panelWidth, rows * panelHeight, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        for (int i = 0; i < plots.Count; i++)
        {
            // Each panel on its own bitmap: ScottPlot clears the whole canvas it renders into, not just its rectangle.
            using var panel = new SKBitmap(new SKImageInfo(panelWidth, panelHeight, SKColorType.Rgba8888, SKAlphaType.Premul));
            using (var panelCanvas = new SKCanvas(panel))
            {
                plots[i].Render(panelCanvas, panelWidth, panelHeight);
            }

            canvas.DrawBitmap(panel, i % columns * panelWidth, i / columns * panelHeight);
        }

        canvas.Flush();
        return bitmap;
    }

    /// <summary>Invariant-culture number for tick labels and annotations.</summary>
    public static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
