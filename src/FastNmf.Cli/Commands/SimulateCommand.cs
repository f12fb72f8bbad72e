using System.CommandLine;
using FastNmf.IO;
using FastNmf.Simulation;

namespace FastNmf.Cli.Commands;

/// <summary><c>fastnmf simulate</c>: writes the paper's simulated data set (streamed frame by frame) and optionally its truth.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Output .npy file (4-D: scan_rows, scan_cols, det_rows, det_cols).", Required = true };
        var truthDir = new Option<string?>("--truth") { Description = "Directory for the ground truth (W_true.npy, H_true.npy, truth.json)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the Poisson noise.", DefaultValueFactory = _ => 0 };
        var scanRows = new Option<int>("--scan-rows") { Description = "Scan rows.", DefaultValueFactory = _ => 36 };
        var scanCols = new Option<int>("--scan-cols") { Description = "Scan columns.", DefaultValueFactory = _ => 36 };
        var detRows = new Option<int>("--det-rows") { Description = "Detector rows.", DefaultValueFactory = _ => 128 };
        var detCols = new Option<int>("--det-cols") { Description = "Detector columns.", DefaultValueFactory = _ => 128 };
        var crystals = new Option<int>("--crystals") { Description = "Crystalline components (1–6); one amorphous component is always added.", DefaultValueFactory = _ => 3 };
        var dose = new Option<double>("--dose") { Description = "Electrons per diffraction N (0: noise-free expectation).", DefaultValueFactory = _ => 1e4 };
        var dtype = new Option<string>("--dtype") { Description = "Stored type: float32, or uint16 (counts; half the bytes).", DefaultValueFactory = _ => "float32" };
        dtype.AcceptOnlyFromAmong("float32", "uint16");
        var rotatedCopies = new Option<string?>("--rotated-copies") { Description = "Comma-separated angles in degrees (counter-clockwise as displayed): extra components, each a copy of one lattice rotated by that angle in an area of its own." };
        var rotatedLattice = new Option<int>("--rotated-lattice") { Description = "Lattice of the rotated copies, 1–6 (crystals A–F; default 4, the oblique crystal D).", DefaultValueFactory = _ => 4 };
        var latticeCopies = new Option<string?>("--lattice-copies")
        {
            Description = "Rotated copies per lattice, e.g. A:9,C:8,D:9 (lattices A–F or 1–6): each lattice's copies spread over its symmetry period at angles jittered by --seed (recorded in the truth).",
        };
        var layout = new Option<string>("--layout") { Description = "rows (the paper's grid, one row of areas per crystalline component) or patches (one area each, for many components).", DefaultValueFactory = _ => "rows" };
        layout.AcceptOnlyFromAmong("rows", "patches");
        var crystallinity = new Option<string?>("--crystallinity") { Description = "Comma-separated crystallinity ratios taken in turn (default 0.09,0.03,0.01: the paper's columns)." };
        var preset = new Option<string?>("--preset") { Description = "A named data set instead of the geometry options: k30 (58×58 scan, 128×128 detector, one amorphous and 29 crystalline components — crystals A, B, C and 9, 9, 8 rotated copies of them at angles set by --seed — one patch each, crystallinity 8/6/5 %)." };
        preset.AcceptOnlyFromAmong("k30");
        var areaSize = new Option<double>("--area-size") { Description = "Side of a crystalline area in positions of a 36-position scan (scaled with the scan).", DefaultValueFactory = _ => 6 };

        var command = new Command("simulate", "Write the simulated 4D-STEM data set of the paper's Methods (Fig. 10): one amorphous and three crystalline components, Poisson noise.")
        {
            output, truthDir, seed, scanRows, scanCols, detRows, detCols, crystals, dose, dtype, rotatedCopies, rotatedLattice, latticeCopies, layout,
            crystallinity, areaSize, preset,
        };
        command.SetAction(p => CliErrors.Run(() =>
        {
            var options = new SimulationOptions
            {
                ScanRows = p.GetValue(scanRows),
                ScanCols = p.GetValue(scanCols),
                DetRows = p.GetValue(detRows),
                DetCols = p.GetValue(detCols),
                Crystals = p.GetValue(crystals),
                Dose = p.GetValue(dose),
                Seed = p.GetValue(seed),
                RotatedCopies = Angles(p.GetValue(rotatedCopies)),
                RotatedLattice = p.GetValue(rotatedLattice),
                Layout = p.GetValue(layout) == "patches" ? SimulationLayout.Patches : SimulationLayout.Rows,
                AreaSize = p.GetValue(areaSize),
            };
            if (p.GetValue(crystallinity) is { } levels)
            {
                options = options with { Crystallinities = Numbers(levels, "--crystallinity", "a crystallinity ratio") };
            }

            if (p.GetValue(latticeCopies) is { } copies)
            {
                options = options with { CopyLattices = options.RotatedCopies.Select(_ => options.RotatedLattice).ToArray() };
                try
                {
                    options = options.WithLatticeCopies(LatticeCounts(copies));
                }
                catch (ArgumentOutOfRangeException e)
                {
                    throw new UsageException($"--lattice-copies: {e.Message.Split(" (Parameter")[0]}");
                }
            }

            if (p.GetValue(preset) is not null)
            {
                Option[] geometry = [scanRows, scanCols, detRows, detCols, crystals, rotatedCopies, rotatedLattice, latticeCopies, layout, crystallinity, areaSize];
                if (geometry.FirstOrDefault(o => p.GetResult(o) is { Implicit: false }) is { } clash)
                {
                    throw new UsageException($"--preset sets the geometry; {clash.Name} cannot be combined with it (only --seed, --dose and --dtype).");
                }

                options = SimulationPresets.ThirtyComponents(options.Seed) with { Dose = options.Dose };
            }

            string path = p.GetValue(output)!;
            bool uint16 = p.GetValue(dtype) == "uint16";
            if (uint16 && options.Dose <= 0)
            {
                throw new UsageException("--dtype uint16 stores counts; the noise-free expectation (--dose 0) is not integer. Use float32.");
            }

            if (File.Exists(path))
            {
                throw new UsageException($"{path}: exists; refusing to overwrite it.");
            }

            SimulatedTruth truth = Simulator.Truth(options);
            string? truthPath = p.GetValue(truthDir);
            if (truthPath is not null && Directory.Exists(truthPath) && Directory.EnumerateFileSystemEntries(truthPath).Any())
            {
                throw new UsageException($"{truthPath}: truth directory exists and is not empty.");
            }

            Write(path, truth, uint16);
            if (truthPath is not null)
            {
                TruthFiles.Write(truthPath, truth);
            }

            Console.WriteLine($"wrote {path}: ({options.ScanRows}, {options.ScanCols}, {options.DetRows}, {options.DetCols}) {(uint16 ? "uint16" : "float32")}, " +
                $"{options.Components} components, dose {options.Dose:G3}, seed {options.Seed}" + (truthPath is null ? string.Empty : $"; truth in {truthPath}"));
            return 0;
        }));
        return command;
    }

    private static double[] Angles(string? list) => string.IsNullOrWhiteSpace(list) ? [] : Numbers(list, "--rotated-copies", "an angle in degrees");

    private static double[] Numbers(string list, string option, string what) =>
        list.Split(',').Select(a => double.TryParse(a, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw new UsageException($"{option}: '{a.Trim()}' is not {what}.")).ToArray();

    // "A:9,C:8" → (1, 9), (3, 8): a lattice letter A–F or number 1–6, a colon, a copy count.
    private static (int Lattice, int Copies)[] LatticeCounts(string list) =>
        list.Split(',').Select(item =>
        {
            string[] parts = item.Trim().Split(':');
            int lattice = parts.Length == 2 && parts[0].Length == 1 && char.ToUpperInvariant(parts[0][0]) is >= 'A' and <= 'F'
                ? char.ToUpperInvariant(parts[0][0]) - 'A' + 1
                : parts.Length == 2 && int.TryParse(parts[0], out int l) && l is >= 1 and <= 6 ? l : 0;
            return lattice > 0 && int.TryParse(parts[1], out int n) && n is >= 1 and <= SimulationOptions.MaxRotatedCopies
                ? (lattice, n)
                : throw new UsageException($"--lattice-copies: '{item.Trim()}' is not LATTICE:COUNT (a lattice A–F or 1–6, a count 1–{SimulationOptions.MaxRotatedCopies}).");
        }).ToArray();

    private static void Write(string path, SimulatedTruth truth, bool uint16)
    {
        SimulationOptions o = truth.Options;
        int nXy = o.ScanRows * o.ScanCols;
        int nUv = o.DetRows * o.DetCols;
        using var writer = new NpyFrameWriter(path, [o.ScanRows, o.ScanCols, o.DetRows, o.DetCols], uint16);

        // Frames in batches generated in parallel, written in order: memory stays at one batch whatever the size.
        const int Batch = 64;
        var frames = new float[Batch * nUv];
        for (int start = 0; start < nXy; start += Batch)
        {
            int count = Math.Min(Batch, nXy - start);
            Parallel.For(0, count, i => Simulator.GenerateFrame(truth, start + i, frames.AsSpan(i * nUv, nUv)));
            for (int i = 0; i < count; i++)
            {
                writer.Append(frames.AsSpan(i * nUv, nUv));
            }
        }

        writer.Complete();
    }
}
