namespace FastNmf.Cli.Rendering;

/// <summary>How data values between the colour limits are mapped onto the colormap.</summary>
internal enum IntensityScale
{
    /// <summary>Proportional; right for maps, whose values rarely span decades.</summary>
    Linear,

    /// <summary>Square root; lifts diffuse rings while keeping spots distinguishable.</summary>
    Sqrt,

    /// <summary>log1p of the value scaled to the limits; shows ~3 decades, zeros are fine.</summary>
    Log,
}
