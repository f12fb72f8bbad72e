using FastNmf.Data;
using FastNmf.Numerics;

namespace FastNmf.Simulation;

/// <summary>
/// Makes the paper's simulated data set (Methods, Fig. 10) at any size: the ideal diffractions and maps, then each
/// frame as Poisson counts with mean <c>N · Σ_k map_k(x, y) · w_k(u, v)</c>. Geometry scales with the detector
/// (radii in units of the detector half-width R) and the scan (areas on a grid), so the 256⁴ benchmark set is the same
/// physics at another sampling.
/// </summary>
public static class Simulator
{
    // Lattices: (spacing in R, angle of g1 in degrees, angle between g1 and g2, |g2|/|g1|, name).
    private static readonly (double Spacing, double Angle, double Gamma, double Ratio, string Name)[] s_lattices =
    [
        (0.28, 10, 90, 1.0, "crystal A (square)"),
        (0.33, 35, 60, 1.0, "crystal B (hexagonal)"),
        (0.24, 70, 90, 1.4, "crystal C (rectangular)"),
        (0.30, 55, 75, 1.2, "crystal D (oblique)"),
        (0.26, 25, 60, 1.0, "crystal E (hexagonal)"),
        (0.36, 80, 90, 1.0, "crystal F (square)"),
    ];

    // n-fold rotational symmetry of each lattice's spot pattern (spot intensity depends on |g| only).
    private static readonly int[] s_symmetry = [4, 6, 2, 2, 6, 4];

    /// <summary>The n of lattice <paramref name="lattice"/>'s (1–6, crystals A–F) n-fold pattern symmetry.</summary>
    public static int RotationalSymmetry(int lattice)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lattice, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lattice, s_symmetry.Length);
        return s_symmetry[lattice - 1];
    }

    /// <summary>Generates the whole data set in memory (noise included) with its truth.</summary>
    /// <exception cref="ArgumentOutOfRangeException">an option is out of range.</exception>
    /// <exception cref="InsufficientMemoryException">the data set exceeds one in-memory array; stream it with <see cref="GenerateFrame"/>.</exception>
    public static (Dataset4D Data, SimulatedTruth Truth) Generate(SimulationOptions options)
    {
        SimulatedTruth truth = Truth(options);
        long total = (long)options.ScanRows * options.ScanCols * options.DetRows * options.DetCols;
        if (total > Array.MaxLength)
        {
            throw new InsufficientMemoryException($"{total} values exceed one in-memory array; write the data set frame by frame instead.");
        }

        int nUv = options.DetRows * options.DetCols;
        var data = new float[total];
        Parallel.For(0, options.ScanRows * options.ScanCols, j => GenerateFrame(truth, j, data.AsSpan(j * nUv, nUv)));
        return (new Dataset4D(data, options.ScanRows, options.ScanCols, options.DetRows, options.DetCols), truth);
    }

    /// <summary>The ideal diffractions and maps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">an option is out of range.</exception>
    public static SimulatedTruth Truth(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int k = options.Components;
        int nUv = options.DetRows * options.DetCols;
        int nXy = options.ScanRows * options.ScanCols;
        var w = new float[k * nUv];
        Amorphous(options, w.AsSpan(0, nUv));
        var lattices = new int[k];
        var rotations = new double[k];
        var symmetry = new int[k];
        var names = new string[k];
        names[0] = "amorphous";
        for (int c = 1; c < k; c++)
        {
            bool copy = c > options.Crystals;
            int lattice = copy ? options.CopyLattice(c - options.Crystals - 1) - 1 : c - 1;
            double angle = copy ? options.RotatedCopies[c - options.Crystals - 1] : 0;
            var l = s_lattices[lattice];
            Crystal(options, copy ? l with { Angle = l.Angle + angle } : l, w.AsSpan(c * nUv, nUv));
            lattices[c] = lattice + 1;
            rotations[c] = angle;
            symmetry[c] = s_symmetry[lattice];
            names[c] = copy ? $"{l.Name} rotated {angle:+0.##;-0.##;0}°" : l.Name;
        }

        var fractions = new double[k * nXy];
        Fractions(options, fractions);
        var maps = new float[k * nXy];
        double dose = options.Dose > 0 ? options.Dose : 1.0;
        for (int i = 0; i < maps.Length; i++)
        {
            maps[i] = (float)(dose * fractions[i]);
        }

        return new SimulatedTruth(options, w, maps, names, lattices, rotations, symmetry);
    }

    /// <summary>Frame <paramref name="index"/> (scan position in row-major order) into <paramref name="frame"/>:
    /// Poisson counts from the frame's own random stream, or the expectation when the dose is 0.</summary>
    public static void GenerateFrame(SimulatedTruth truth, int index, Span<float> frame)
    {
        SimulationOptions o = truth.Options;
        int nUv = o.DetRows * o.DetCols;
        int nXy = o.ScanRows * o.ScanCols;
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, nXy);
        if (frame.Length != nUv)
        {
            throw new ArgumentException($"a frame has {nUv} pixels, the buffer {frame.Length}.", nameof(frame));
        }

        frame.Clear();
        for (int c = 0; c < truth.Components; c++)
        {
            float m = truth.Maps[(c * nXy) + index];
            ReadOnlySpan<float> w = truth.Diffractions.AsSpan(c * nUv, nUv);
            for (int u = 0; u < nUv; u++)
            {
                frame[u] += m * w[u];
            }
        }

        if (o.Dose <= 0)
        {
            return;
        }

        var rng = new SeededRandom(SeededRandom.Derive(o.Seed, (ulong)index));
        for (int u = 0; u < nUv; u++)
        {
            frame[u] = rng.NextPoisson(frame[u]);
        }
    }

    // Rotationally symmetric diffuse rings on a decaying background (kinematic amorphous scattering), normalised.
    private static void Amorphous(SimulationOptions o, Span<float> w)
    {
        double cr = o.DetRows / 2;
        double cc = o.DetCols / 2;
        double radius = Math.Min(o.DetRows, o.DetCols) / 2.0;
        (double Q, double Width, double Amplitude)[] rings = [(0.30, 0.050, 1.0), (0.55, 0.060, 0.5), (0.80, 0.070, 0.3)];
        for (int r = 0; r < o.DetRows; r++)
        {
            for (int c = 0; c < o.DetCols; c++)
            {
                double q = Math.Sqrt(((r - cr) * (r - cr)) + ((c - cc) * (c - cc))) / radius;
                double v = 0.3 * Math.Exp(-q / 0.25);
                foreach ((double q0, double s, double a) in rings)
                {
                    v += a * Math.Exp(-((q - q0) * (q - q0)) / (2 * s * s));
                }

                w[(r * o.DetCols) + c] = (float)v;
            }
        }

        Normalise(w);
    }

    // Bragg spots of a 2-D lattice (000 excluded: the direct beam is common to all components), Gaussian spots of
    // σ = R/64 (≥ 0.8 px), intensity falling with |g| like an atomic scattering factor, normalised.
    private static void Crystal(SimulationOptions o, (double Spacing, double Angle, double Gamma, double Ratio, string Name) lattice, Span<float> w)
    {
        double cr = o.DetRows / 2;
        double cc = o.DetCols / 2;
        double radius = Math.Min(o.DetRows, o.DetCols) / 2.0;
        double sigma = Math.Max(0.8, radius / 64);
        double a1 = lattice.Angle * Math.PI / 180;
        double a2 = (lattice.Angle + lattice.Gamma) * Math.PI / 180;
        double s1 = lattice.Spacing * radius;
        double s2 = s1 * lattice.Ratio;
        int reach = (int)Math.Ceiling(radius / Math.Min(s1, s2)) + 2;
        w.Clear();
        int spot = (int)Math.Ceiling(4 * sigma);
        for (int n1 = -reach; n1 <= reach; n1++)
        {
            for (int n2 = -reach; n2 <= reach; n2++)
            {
                if (n1 == 0 && n2 == 0)
                {
                    continue;
                }

                // Display convention: +x to the right (columns), +y up (decreasing rows).
                double gx = (n1 * s1 * Math.Cos(a1)) + (n2 * s2 * Math.Cos(a2));
                double gy = (n1 * s1 * Math.Sin(a1)) + (n2 * s2 * Math.Sin(a2));
                double g = Math.Sqrt((gx * gx) + (gy * gy)) / radius;
                if (g > 0.9)
                {
                    continue;
                }

                double amplitude = Math.Exp(-(g * g) / (2 * 0.5 * 0.5));
                double pr = cr - gy;
                double pc = cc + gx;
                for (int r = (int)Math.Floor(pr) - spot; r <= (int)Math.Ceiling(pr) + spot; r++)
                {
                    for (int c = (int)Math.Floor(pc) - spot; c <= (int)Math.Ceiling(pc) + spot; c++)
                    {
                        if (r < 0 || r >= o.DetRows || c < 0 || c >= o.DetCols)
                        {
                            continue;
                        }

                        double d2 = ((r - pr) * (r - pr)) + ((c - pc) * (c - pc));
                        w[(r * o.DetCols) + c] += (float)(amplitude * Math.Exp(-d2 / (2 * sigma * sigma)));
                    }
                }
            }
        }

        Normalise(w);
    }

    // The crystalline fractions by layout (each area a box of the scaled area size blurred by a Gaussian of the
    // interface width: a gradual interface); amorphous fills the rest.
    private static void Fractions(SimulationOptions o, Span<double> f)
    {
        if (o.Layout == SimulationLayout.Patches)
        {
            Patches(o, f);
        }
        else
        {
            Rows(o, f);
        }

        int nXy = o.ScanRows * o.ScanCols;
        for (int i = 0; i < nXy; i++)
        {
            double crystalline = 0;
            for (int c = 1; c <= o.CrystallineComponents; c++)
            {
                crystalline += f[(c * nXy) + i];
            }

            // Areas that overlap (larger than their cells, or several in one row) can exceed the whole position.
            if (crystalline > 1 + 1e-9)
            {
                throw new ArgumentOutOfRangeException(nameof(SimulationOptions.AreaSize), o.AreaSize,
                    $"the crystalline areas overlap: at scan position ({i / o.ScanCols}, {i % o.ScanCols}) their fractions sum to {crystalline:G4} > 1; " +
                    "lower AreaSize (--area-size) or Crystallinities (--crystallinity).");
            }

            f[i] = 1 - crystalline;
        }
    }

    // Crystalline component c in cell (c / columns, c % columns) of a near-square grid, one blurred box of the scaled
    // area size at the cell's centre, crystallinity Crystallinities[c mod count].
    private static void Patches(SimulationOptions o, Span<double> f)
    {
        int nXy = o.ScanRows * o.ScanCols;
        int n = o.CrystallineComponents;
        int columns = (int)Math.Ceiling(Math.Sqrt(n));
        int rows = (n + columns - 1) / columns;
        double scaleY = o.ScanRows / 36.0;
        double scaleX = o.ScanCols / 36.0;
        for (int c = 0; c < n; c++)
        {
            double cy = ((c / columns) + 0.5) * o.ScanRows / rows;
            double cx = ((c % columns) + 0.5) * o.ScanCols / columns;
            double level = o.Crystallinities[c % o.Crystallinities.Count];
            for (int y = 0; y < o.ScanRows; y++)
            {
                double py = BlurredBox((y - cy + 0.5) / scaleY, o.AreaSize, o.InterfaceWidth);
                for (int x = 0; x < o.ScanCols; x++)
                {
                    double px = BlurredBox((x - cx + 0.5) / scaleX, o.AreaSize, o.InterfaceWidth);
                    f[((c + 1) * nXy) + (y * o.ScanCols) + x] = level * py * px;
                }
            }
        }
    }

    // Crystalline component c (crystals, then rotated copies) occupies grid row c; grid column j has crystallinity
    // Crystallinities[j].
    private static void Rows(SimulationOptions o, Span<double> f)
    {
        int nXy = o.ScanRows * o.ScanCols;
        int columns = o.Crystallinities.Count;
        int rows = o.CrystallineComponents;
        double scaleY = o.ScanRows / 36.0;
        double scaleX = o.ScanCols / 36.0;
        for (int c = 0; c < rows; c++)
        {
            double cy = (c + 0.5) * o.ScanRows / rows;
            for (int j = 0; j < columns; j++)
            {
                double cx = (j + 0.5) * o.ScanCols / columns;
                double level = o.Crystallinities[j];
                for (int y = 0; y < o.ScanRows; y++)
                {
                    double py = BlurredBox((y - cy + 0.5) / scaleY, o.AreaSize, o.InterfaceWidth);
                    for (int x = 0; x < o.ScanCols; x++)
                    {
                        double px = BlurredBox((x - cx + 0.5) / scaleX, o.AreaSize, o.InterfaceWidth);
                        f[((c + 1) * nXy) + (y * o.ScanCols) + x] += level * py * px;
                    }
                }
            }
        }
    }

    private static double BlurredBox(double t, double width, double sigma)
    {
        double s = Math.Sqrt(2) * sigma;
        return 0.5 * (Erf((t + (width / 2)) / s) - Erf((t - (width / 2)) / s));
    }

    // Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7), ample for an area profile.
    private static double Erf(double x)
    {
        double t = 1 / (1 + (0.3275911 * Math.Abs(x)));
        double y = 1 - ((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return x >= 0 ? y : -y;
    }

    private static void Normalise(Span<float> w)
    {
        double s = 0;
        foreach (float v in w)
        {
            s += v;
        }

        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (float)(w[i] / s);
        }
    }
}
