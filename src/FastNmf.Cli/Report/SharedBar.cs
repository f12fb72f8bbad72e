using FastNmf.Cli.Rendering;

namespace FastNmf.Cli.Report;

/// <summary>A colour bar drawn once under an <see cref="ImageGridFigure"/> for every image of one slot.</summary>
internal sealed record SharedBar(string Label, IntensityLimits Limits);
