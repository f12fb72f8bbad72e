namespace FastNmf.Constraints;

/// <summary>Parameters of the diffraction constraint [·]_W (continuous intensity / rotational symmetry).</summary>
/// <param name="CentreRow">Polar centre, detector row (pixel index); default <c>DetRows / 2</c>.</param>
/// <param name="CentreCol">Polar centre, detector column; default <c>DetCols / 2</c>.</param>
/// <param name="PhiSamples">Angular samples per radius (default 360: about one sample per pixel on the outermost ring of a 128-pixel detector).</param>
/// <param name="OutlierFactor">Samples brighter than this multiple of the radial mean (Bragg spots) are left out of the recalibrated mean (the paper: 2).</param>
public sealed record PolarConstraintOptions(double? CentreRow = null, double? CentreCol = null, int PhiSamples = 360, double OutlierFactor = 2.0)
{
    /// <summary>How the fill reaches the pixels (default <see cref="PolarFillRoute.Pixel"/>; the paper's route is
    /// <see cref="PolarFillRoute.Polar"/>).</summary>
    public PolarFillRoute Route { get; init; } = PolarFillRoute.Pixel;

    internal void Validate()
    {
        if (!Enum.IsDefined(Route))
        {
            throw new ArgumentOutOfRangeException(nameof(Route), Route, "the fill route must be Pixel or Polar.");
        }

        if (PhiSamples < 4 || PhiSamples > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(PhiSamples), PhiSamples, "φ samples must be between 4 and 100000.");
        }

        if (!(OutlierFactor > 1) || !double.IsFinite(OutlierFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(OutlierFactor), OutlierFactor, "the outlier factor must be a number above 1.");
        }
    }
}
