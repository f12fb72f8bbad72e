namespace FastNmf.Cli.Report;

/// <summary>One cell of an <see cref="ImageGridFigure"/>: a bold label, an optional grey caption, and images side by
/// side (e.g. a diffraction and its map).</summary>
internal sealed record GridCell(string Label, string? Caption, IReadOnlyList<GridImage> Images);
