namespace FastNmf.Constraints;

/// <summary>How [·]_W carries the r–φ baselines back to the detector's pixels.</summary>
public enum PolarFillRoute
{
    /// <summary>Each pixel against the baseline interpolated at its exact radius, raised to it if below: a complete
    /// fill of every dark pixel, and nothing else changes (the default).</summary>
    Pixel,

    /// <summary>The paper's route: samples raised to the baseline on the r–φ grid, the rise interpolated back to the
    /// pixels bilinearly in (r, φ): a partial fill where a dark pixel's neighbouring samples were not all raised.</summary>
    Polar,
}
