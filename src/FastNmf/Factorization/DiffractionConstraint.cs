namespace FastNmf;

/// <summary>Step 4 of the constrained protocol: what is applied to W after Eq. 7.</summary>
public enum DiffractionConstraint
{
    /// <summary>Nothing (W may go negative).</summary>
    None,

    /// <summary>[·]₊: negative values set to 0.</summary>
    NonNegative,

    /// <summary>[·]₊ then [·]_W: dark spots below the radial baseline raised to it (see <see cref="Constraints.PolarConstraintOptions"/>).</summary>
    DarkSpotFill,
}
