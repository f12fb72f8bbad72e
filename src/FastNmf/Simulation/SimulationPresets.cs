namespace FastNmf.Simulation;

/// <summary>Named simulated data sets beyond the paper's default one.</summary>
public static class SimulationPresets
{
    /// <summary>
    /// Thirty components, the count the paper's experiment assumes: a 58×58 scan, a 128×128 detector, one amorphous
    /// component everywhere and 29 crystalline ones — the three lattices A (square), B (hexagonal), C (rectangular) and 9, 9 and 8
    /// rotated copies of them (10, 10 and 9 orientations; angles spread over each lattice's period and jittered by
    /// <paramref name="seed"/>), each in a patch of its own (about 8.9 positions across, σ = 1.6-position interfaces),
    /// crystallinity 8 %, 6 % and 5 % in turn (as small and weak as the noise allows cosine 0.9 at all); Poisson noise at 10⁴ electrons per diffraction.
    /// <paramref name="scan"/> and <paramref name="detector"/> shrink it for tests (patches scale with the scan).
    /// </summary>
    public static SimulationOptions ThirtyComponents(ulong seed, int scan = 58, int detector = 128) =>
        Copies(seed, scan, detector, [(1, 9), (2, 9), (3, 8)]);

    /// <summary>The same kind of set with other copy counts of crystals A, B, C (e.g. (1, 3), (2, 3), (3, 2) for k = 12):
    /// CI-sized. A lattice beyond C adds copies of a lattice that has no unrotated component.</summary>
    public static SimulationOptions Copies(ulong seed, int scan, int detector, IReadOnlyList<(int Lattice, int Copies)> copies)
    {
        ArgumentNullException.ThrowIfNull(copies);
        var o = new SimulationOptions
        {
            ScanRows = scan,
            ScanCols = scan,
            DetRows = detector,
            DetCols = detector,
            Seed = seed,
            Crystals = 3,
            Layout = SimulationLayout.Patches,
            Crystallinities = [0.08, 0.06, 0.05],
            AreaSize = 5.5,
            InterfaceWidth = 1.0,
        };

        return o.WithLatticeCopies(copies);
    }
}
