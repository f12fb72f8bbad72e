namespace FastNmf.Simulation;

/// <summary>The ground truth of a simulated data set.</summary>
public sealed class SimulatedTruth
{
    internal SimulatedTruth(SimulationOptions options, float[] diffractions, float[] maps, string[] names)
    {
        Options = options;
        Diffractions = diffractions;
        Maps = maps;
        Names = names;
    }

    /// <summary>The options that made the data.</summary>
    public SimulationOptions Options { get; }

    /// <summary>Component count (amorphous first).</summary>
    public int Components => Names.Count;

    /// <summary>Noise-free diffractions, <c>k × DetRows × DetCols</c>, each summing to 1 (component 0 is amorphous).</summary>
    public float[] Diffractions { get; }

    /// <summary>Maps, <c>k × ScanRows × ScanCols</c>: expected electrons per scan position from each component
    /// (dose × fraction), on the same scale as an <see cref="NmfResult"/>'s H.</summary>
    public float[] Maps { get; }

    /// <summary>Component names ("amorphous", "crystal A (square)", …).</summary>
    public IReadOnlyList<string> Names { get; }
}
