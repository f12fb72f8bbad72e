namespace FastNmf;

/// <summary>Step 6 of the constrained protocol: what is applied to H after Eq. 8.</summary>
public enum MapConstraint
{
    /// <summary>Nothing (H may go negative).</summary>
    None,

    /// <summary>[·]₊: negative values set to 0.</summary>
    NonNegative,

    /// <summary>[·]_H: each map convolved with the resolution kernel, then [·]₊.</summary>
    Convolution,
}
