namespace FastNmf.Constraints;

/// <summary>The point-spread-function shape used for the map constraint [·]_H.</summary>
public enum KernelShape
{
    /// <summary>Gaussian, <c>exp(−d²/2σ²)</c> with σ = FWHM / (2√(2 ln 2)); separable.</summary>
    Gaussian,

    /// <summary>Radial Lorentzian, <c>1 / (1 + (2d/FWHM)²)</c>; not separable.</summary>
    Lorentzian,

    /// <summary>Pseudo-Voigt, <c>η·L + (1−η)·G</c> of the two normalised shapes above with the same FWHM; not separable.</summary>
    PseudoVoigt,
}
