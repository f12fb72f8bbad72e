using FastNmf.Cli.Rendering;

namespace FastNmf.Cli.Report;

/// <summary>One image of an <see cref="ImageGridFigure"/> cell: row-major values, how to scale them, and their colour
/// limits (its own, or limits shared with the other images of the same slot).</summary>
internal sealed record GridImage(float[] Values, int Rows, int Cols, IntensityScale Scale, IntensityLimits Limits);
