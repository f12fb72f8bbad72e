using FastNmf.Cli.Rendering;
using SkiaSharp;

namespace FastNmf.Cli.Report;

/// <summary>
/// Each component's diffraction with its map beside it, on a chosen diffraction scale (sqrt or log; maps are always
/// linear) with colour limits per component or shared by all components.
/// </summary>
internal static class ComponentFigure
{
    /// <summary>Draws the figure; the caller disposes the bitmap.</summary>
    /// <param name="factors">W and, if present, H.</param>
    /// <param name="scale">Diffraction scale: <see cref="IntensityScale.Sqrt"/> or <see cref="IntensityScale.Log"/>.</param>
    /// <param name="shared">One set of colour limits for all diffractions (and one for all maps) instead of one per image.</param>
    /// <param name="captions">One caption per component (e.g. its map norm and cluster), or null.</param>
    public static SKBitmap Render(Factors factors, IntensityScale scale, bool shared, IReadOnlyList<string>? captions)
    {
        int k = factors.Components;
        float[][] diffractions = Enumerable.Range(0, k).Select(factors.Diffraction).ToArray();
        float[][]? maps = factors.H is null ? null : Enumerable.Range(0, k).Select(factors.Map).ToArray();
        IntensityLimits sharedW = shared ? ImageGridFigure.SharedLimits(diffractions) : default;
        IntensityLimits sharedH = shared && maps is not null ? ImageGridFigure.SharedLimits(maps) : default;
        var cells = new List<GridCell>(k);
        for (int c = 0; c < k; c++)
        {
            var images = new List<GridImage>
            {
                new(diffractions[c], factors.DetRows, factors.DetCols, scale, shared ? sharedW : IntensityLimits.Compute(diffractions[c])),
            };
            if (maps is not null)
            {
                images.Add(new GridImage(maps[c], factors.ScanRows, factors.ScanCols, IntensityScale.Linear, shared ? sharedH : IntensityLimits.Compute(maps[c])));
            }

            cells.Add(new GridCell($"component {c}", captions?[c], images));
        }

        string scaleName = scale == IntensityScale.Log ? "log" : "sqrt";
        string note = $"diffraction (left, {scaleName} scale){(maps is null ? string.Empty : " · map (right, linear, counts)")} · colour limits min to 99.5th percentile, {(shared ? "shared by all components" : "per image")}";
        IReadOnlyList<SharedBar>? bars = shared
            ? maps is null ? [new SharedBar("diffractions", sharedW)] : [new SharedBar("diffractions", sharedW), new SharedBar("maps (counts)", sharedH)]
            : null;
        int perRow = maps is null ? Math.Min(k, 4) : k <= 4 ? 2 : 3;
        return ImageGridFigure.Render($"Components (k = {k})", note, cells, perRow, bars);
    }
}
