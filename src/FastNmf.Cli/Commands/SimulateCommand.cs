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

        var command = new Command("simulate", "Write the simulated 4D-STEM data set of the paper's Methods (Fig. 10): one amorphous and three crystalline components, Poisson noise.")
        {
            output, truthDir, seed, scanRows, scanCols, detRows, detCols, crystals, dose, dtype, rotatedCopies, rotatedLattice,
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
            };
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

    private static double[] Angles(string? list)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return [];
        }

        return list.Split(',').Select(a => double.TryParse(a, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw new UsageException($"--rotated-copies: '{a.Trim()}' is not an angle in degrees.")).ToArray();
    }

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
