using FastNmf.Kernels.Polar;

namespace FastNmf.Constraints;

/// <summary>One way of applying [·]_W to a detector image (<see cref="PolarFillRoute"/>); each owns its scratch.</summary>
internal interface IDarkSpotFill
{
    /// <summary>The r–φ sampling of the detector.</summary>
    PolarSamplingMap Map { get; }

    /// <summary>The per-radius baselines of the last <see cref="Apply"/> (NaN where a radius had no usable sample).</summary>
    ReadOnlySpan<double> Baseline { get; }

    /// <summary>Fills the dark spots of one full detector image in place; returns the number of pixels raised.</summary>
    int Apply(Span<float> image);

    /// <summary>The fill <paramref name="options"/> name, over a detector of the given size and mask.</summary>
    static IDarkSpotFill Create(int detRows, int detCols, ReadOnlySpan<bool> masked, PolarConstraintOptions options, IPolarGather gather)
    {
        if (options.Route == PolarFillRoute.Pixel)
        {
            return DarkSpotFill.Create(detRows, detCols, masked, options, gather);
        }

        return new PolarRoundTripFill(DarkSpotFill.DetectorMap(detRows, detCols, masked, options), gather, options.OutlierFactor,
            options.CentreRow ?? detRows / 2, options.CentreCol ?? detCols / 2);
    }
}
