namespace FastNmf.Cli.Output;

/// <summary>The detector mask a run used, for summary.json.</summary>
internal sealed record MaskInfo(string Kind, int MaskedPixels, double? Radius = null, double CentreRow = 0, double CentreCol = 0)
{
    public static MaskInfo None { get; } = new("none", 0);
}
