namespace FastNmf.Simulation;

/// <summary>
/// Parameters of the paper's simulated 4D-STEM data set (Methods, Fig. 10). The defaults reproduce it: a 36×36 scan,
/// a 128×128 detector, one amorphous and three crystalline components, a 3×3 grid of crystalline areas of about
/// 6×6 positions (one row per crystal, crystallinity 9 %, 3 %, 1 % across), gradual interfaces, Poisson noise at
/// N = 10⁴ electrons per diffraction.
/// </summary>
public sealed record SimulationOptions
{
    /// <summary>Scan rows.</summary>
    public int ScanRows { get; init; } = 36;

    /// <summary>Scan columns.</summary>
    public int ScanCols { get; init; } = 36;

    /// <summary>Detector rows.</summary>
    public int DetRows { get; init; } = 128;

    /// <summary>Detector columns.</summary>
    public int DetCols { get; init; } = 128;

    /// <summary>Crystalline components (1–6); the component count is this plus one amorphous component.</summary>
    public int Crystals { get; init; } = 3;

    /// <summary>Crystallinity ratio of the areas in each grid column (the paper: 9 %, 3 %, 1 %).</summary>
    public IReadOnlyList<double> Crystallinities { get; init; } = [0.09, 0.03, 0.01];

    /// <summary>Side of a crystalline area on the 36-position scan, scaled with the scan size (the paper: about 6).</summary>
    public double AreaSize { get; init; } = 6;

    /// <summary>Width (σ, in 36-scan positions) of the gradual interface between an area and the matrix.</summary>
    public double InterfaceWidth { get; init; } = 1.0;

    /// <summary>Mean electrons per diffraction N (the paper: 10⁴); 0 or less gives the noise-free expectation.</summary>
    public double Dose { get; init; } = 1e4;

    /// <summary>Seed of the Poisson noise; each frame draws from its own stream, so frames can be made in any order.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Angles in degrees (counter-clockwise as displayed) of extra crystalline components, each a copy of lattice
    /// <see cref="RotatedLattice"/> rotated by that angle, in an area of its own (one more grid row each). Empty (the
    /// default) leaves the paper's data set unchanged. The truth records each component's lattice and applied angle.
    /// </summary>
    public IReadOnlyList<double> RotatedCopies { get; init; } = [];

    /// <summary>Which lattice of the table (1–6: crystals A–F) the <see cref="RotatedCopies"/> are of; default 4,
    /// crystal D (oblique), whose only rotational symmetry is the 2-fold of every diffraction pattern, so an angle is
    /// defined modulo 180°.</summary>
    public int RotatedLattice { get; init; } = 4;

    /// <summary>Per rotated copy, its lattice (1–6, crystals A–F), parallel to <see cref="RotatedCopies"/>; empty (the
    /// default) makes every copy of <see cref="RotatedLattice"/>. <see cref="WithLatticeCopies"/> fills both.</summary>
    public IReadOnlyList<int> CopyLattices { get; init; } = [];

    /// <summary>Where the crystalline areas lie: <see cref="SimulationLayout.Rows"/> (the paper's grid, the default) or
    /// <see cref="SimulationLayout.Patches"/> (one patch per component, for many components).</summary>
    public SimulationLayout Layout { get; init; } = SimulationLayout.Rows;

    /// <summary>Crystalline components: crystals plus rotated copies.</summary>
    public int CrystallineComponents => Crystals + RotatedCopies.Count;

    /// <summary>Component count: crystals + rotated copies + 1 (amorphous).</summary>
    public int Components => CrystallineComponents + 1;

    /// <summary>The most rotated copies one data set holds.</summary>
    public const int MaxRotatedCopies = 64;

    /// <summary>Lattice of rotated copy <paramref name="copy"/> (1–6).</summary>
    public int CopyLattice(int copy) => CopyLattices.Count == 0 ? RotatedLattice : CopyLattices[copy];

    /// <summary>
    /// These options with <paramref name="copies"/> rotated copies of each given lattice (1–6) added: copy j of n of a
    /// lattice with n-fold symmetry (period P = 360°/n) at angle P·(j + δ)/(n + 1), j = 1…n, with δ drawn uniformly in
    /// ±0.2 from <see cref="Seed"/> — spread over the period, at least 0.6·P/(n + 1) from each other and from the
    /// unrotated lattice, and different at every seed. The unrotated lattices are the <see cref="Crystals"/>.
    /// </summary>
    public SimulationOptions WithLatticeCopies(IReadOnlyList<(int Lattice, int Copies)> copies)
    {
        ArgumentNullException.ThrowIfNull(copies);
        var angles = new List<double>(RotatedCopies);
        var lattices = new List<int>(RotatedCopies.Select((_, i) => CopyLattice(i)));
        foreach ((int lattice, int count) in copies)
        {
            Check(lattice >= 1 && lattice <= 6, nameof(copies), lattice, "a lattice between 1 and 6");
            Check(count >= 1 && count <= MaxRotatedCopies, nameof(copies), count, $"between 1 and {MaxRotatedCopies} copies of a lattice");
            Check(angles.Count + count <= MaxRotatedCopies, nameof(copies), angles.Count + count, $"at most {MaxRotatedCopies} rotated copies in all");
            var rng = new Numerics.SeededRandom(Numerics.SeededRandom.Derive(Seed ^ 0x526F7461746564UL, (ulong)((lattice * 1000) + angles.Count)));
            double period = 360.0 / Simulator.RotationalSymmetry(lattice);
            for (int j = 1; j <= count; j++)
            {
                double jitter = (rng.NextDouble() - 0.5) * 0.4;
                angles.Add(Math.Round(period * (j + jitter) / (count + 1), 2));
                lattices.Add(lattice);
            }
        }

        return this with { RotatedCopies = angles, CopyLattices = lattices };
    }

    internal void Validate()
    {
        Check(ScanRows >= 3 && ScanRows <= 4096, nameof(ScanRows), ScanRows, "between 3 and 4096");
        Check(ScanCols >= 3 && ScanCols <= 4096, nameof(ScanCols), ScanCols, "between 3 and 4096");
        Check(DetRows >= 16 && DetRows <= 4096, nameof(DetRows), DetRows, "between 16 and 4096");
        Check(DetCols >= 16 && DetCols <= 4096, nameof(DetCols), DetCols, "between 16 and 4096");
        Check(Crystals >= 1 && Crystals <= 6, nameof(Crystals), Crystals, "between 1 and 6");
        Check(RotatedCopies is not null && RotatedCopies.Count <= MaxRotatedCopies && RotatedCopies.All(double.IsFinite), nameof(RotatedCopies),
            RotatedCopies is null ? "null" : string.Join(",", RotatedCopies), $"at most {MaxRotatedCopies} finite angles");
        Check(RotatedLattice >= 1 && RotatedLattice <= 6, nameof(RotatedLattice), RotatedLattice, "between 1 and 6");
        Check(CopyLattices is not null && (CopyLattices.Count == 0 || CopyLattices.Count == RotatedCopies!.Count) && CopyLattices.All(l => l >= 1 && l <= 6),
            nameof(CopyLattices), CopyLattices is null ? "null" : string.Join(",", CopyLattices), "empty or one lattice (1–6) per rotated copy");
        Check(Enum.IsDefined(Layout), nameof(Layout), Layout, "Rows or Patches");

        // Rows: every component's row spans every column, so the crystallinities of all components can meet at one
        // position; patches are apart (their blurred edges overlap by far less than half).
        double limit = Layout == SimulationLayout.Rows ? 1.0 / CrystallineComponents : 0.5;
        Check(Crystallinities is { Count: > 0 } && Crystallinities.All(c => c > 0 && c < limit), nameof(Crystallinities),
            Crystallinities is null ? "null" : string.Join(",", Crystallinities), $"one or more values in (0, {limit:G3})");
        Check(AreaSize > 0 && double.IsFinite(AreaSize), nameof(AreaSize), AreaSize, "positive");
        Check(InterfaceWidth > 0 && double.IsFinite(InterfaceWidth), nameof(InterfaceWidth), InterfaceWidth, "positive");
        Check(double.IsFinite(Dose) && Dose <= 1e9, nameof(Dose), Dose, "finite and at most 1e9");
    }

    private static void Check(bool ok, string name, object value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {rule}.");
        }
    }
}
