namespace FastNmf.Simulation;

/// <summary>The ground truth of a simulated data set.</summary>
public sealed class SimulatedTruth
{
    internal SimulatedTruth(SimulationOptions options, float[] diffractions, float[] maps, string[] names, int[] lattices, double[] rotations, int[] symmetry)
    {
        Options = options;
        Diffractions = diffractions;
        Maps = maps;
        Names = names;
        Lattices = lattices;
        Rotations = rotations;
        RotationalSymmetry = symmetry;
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

    /// <summary>Component names ("amorphous", "crystal A (square)", …, "crystal D (oblique) rotated +25°").</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Per component, its lattice: 0 amorphous, 1–6 crystals A–F (rotated copies share their lattice's number).</summary>
    public IReadOnlyList<int> Lattices { get; }

    /// <summary>Per component, the rotation in degrees (counter-clockwise as displayed) applied to its lattice: the
    /// <see cref="SimulationOptions.RotatedCopies"/> angle for a copy, 0 otherwise.</summary>
    public IReadOnlyList<double> Rotations { get; }

    /// <summary>Per component, the n of its pattern's n-fold rotational symmetry (2 oblique/rectangular, 4 square,
    /// 6 hexagonal; 0 for the amorphous rings, symmetric under every rotation): angles are defined modulo 360°/n.</summary>
    public IReadOnlyList<int> RotationalSymmetry { get; }
}
