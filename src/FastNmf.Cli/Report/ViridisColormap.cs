using FastNmf.Cli.Rendering;
using ScottPlot;

namespace FastNmf.Cli.Report;

/// <summary>The montages' viridis (<see cref="Rendering.Colormap"/>) as a ScottPlot colormap, so heatmaps and images
/// share one colour scale.</summary>
internal sealed class ViridisColormap : IColormap
{
    public string Name => "viridis";

    public Color GetColor(double position) => Color.FromSKColor(Rendering.Colormap.Map((float)position));
}
