namespace FastNmf.Simulation;

/// <summary>Where a simulated data set's crystalline areas lie on the scan.</summary>
public enum SimulationLayout
{
    /// <summary>The paper's grid (Fig. 10): crystalline component c in grid row c, one area per crystallinity across.</summary>
    Rows,

    /// <summary>One area (patch) per crystalline component, on a near-square grid of cells in component order, the
    /// crystallinities taken in turn: for many components (k = 30), where a row each would be a few positions thin.</summary>
    Patches,
}
