using System.Globalization;

namespace FastNmf.Cli.Rendering;

/// <summary>How <see cref="MontageRenderer.WritePng"/> draws a stack of images.</summary>
/// <param name="LabelPrefix">Tile labels are "{LabelPrefix}{index}", e.g. "w0", "h3".</param>
/// <param name="Scale">Intensity scale between the colour limits.</param>
/// <param name="SharedScale">One set of colour limits (and one colour bar) for all tiles instead of one per tile.</param>
/// <param name="Title">Text of the title line at the top.</param>
/// <param name="TilePixels">Approximate on-screen size of the longer image side.</param>
/// <param name="Colormap">Viridis when true, grayscale when false.</param>
/// <param name="Captions">Optional second line per tile (e.g. a norm); null or exactly one per image.</param>
internal sealed record MontageOptions(
    string LabelPrefix,
    IntensityScale Scale,
    bool SharedScale,
    string Title,
    int TilePixels = 160,
    bool Colormap = true,
    IReadOnlyList<string>? Captions = null)
{
    /// <summary>The grey note after the title: scale and how colour limits are chosen.</summary>
    internal string ScaleNote
    {
        get
        {
            string scale = Scale switch
            {
                IntensityScale.Sqrt => "sqrt scale",
                IntensityScale.Log => "log scale",
                _ => "linear scale",
            };
            string extent = SharedScale ? "shared by all tiles" : "per tile";
            return $"{scale} · colour limits: min to {IntensityLimits.HighPercentile.ToString(CultureInfo.InvariantCulture)}th percentile, {extent}";
        }
    }
}
