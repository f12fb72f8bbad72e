namespace FastNmf;

/// <summary>The update scheme.</summary>
public enum NmfMethod
{
    /// <summary>The paper's constrained protocol (Steps 1–9): Eq. 7, [·]_W, column normalisation, Eq. 8, [·]_H.</summary>
    Constrained,

    /// <summary>Primitive alternating least squares with projection, Eqs. 5–6.</summary>
    Als,

    /// <summary>Primitive multiplicative updates, Eqs. 3–4.</summary>
    Mu,
}
