using FastNmf.Data;

namespace FastNmf.Cli.Output;

/// <summary>The detector mask a run used, for summary.json (and, as an image, results.h5).</summary>
internal sealed record MaskInfo(string Kind, int MaskedPixels, double? Radius = null, double CentreRow = 0, double CentreCol = 0, DetectorMask? Mask = null)
{
    public static MaskInfo None { get; } = new("none", 0);
}
