using System.CommandLine;
using FastNmf.Analysis;
using FastNmf.Cli.Output;
using FastNmf.Data;
using FastNmf.Simulation;

namespace FastNmf.Cli.Commands;

/// <summary>
/// <c>fastnmf demo --out DIR</c>: simulates the paper's data set, runs the constrained protocol with the paper's settings,
/// compares with the truth, writes the outputs (and the truth, in DIR/truth).
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Output directory (must not exist or be empty).", Required = true };
        var iterations = new Option<int>("--iterations") { Description = "Iterations per restart (the paper: 500).", DefaultValueFactory = _ => 500 };
        var restarts = new Option<int>("--restarts") { Description = "Restarts (the paper: 10).", DefaultValueFactory = _ => 10 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of both the simulation noise and the factorization.", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        Option<string> backend = SolverOptionSet.BackendOption();
        Option<string> storage = SolverOptionSet.StorageOption();
        Option<bool> report = FactorizeCommand.ReportOption();
        var analysis = new AnalysisOptionSet();
        var command = new Command("demo", "Simulate the paper's data set (36×36×128×128, k = 4, N = 10⁴), run the constrained protocol with the paper's settings and compare with the truth.")
        {
            output, iterations, restarts, seed, threads, backend, storage, report,
        };
        analysis.AddTo(command);
        command.SetAction(p => CliErrors.Run(() =>
        {
            using OutputDirectory dir = OutputDirectory.Begin(p.GetValue(output)!);
            var simulation = new SimulationOptions { Seed = p.GetValue(seed) };
            var options = new NmfOptions
            {
                Components = simulation.Components,
                Iterations = p.GetValue(iterations),
                Restarts = p.GetValue(restarts),
                Seed = p.GetValue(seed),
                Threads = p.GetValue(threads),
                Backend = SolverOptionSet.ParseBackend(p.GetValue(backend)!),
                Storage = SolverOptionSet.ParseStorage(p.GetValue(storage)!),
            };
            SolverOptionSet.Check(options, simulation.DetRows * simulation.DetCols, (long)simulation.ScanRows * simulation.ScanCols);
            Console.WriteLine($"simulating the paper's data set: {simulation.ScanRows}×{simulation.ScanCols} scan, {simulation.DetRows}×{simulation.DetCols} detector, " +
                $"{simulation.Components} components, N = {simulation.Dose:0} electrons per diffraction, seed {simulation.Seed}");
            (Dataset4D data, SimulatedTruth truth) = Simulator.Generate(simulation);
            using UnfoldedData x = UnfoldedData.Create(data);
            NmfResult result = FactorizationSession.Run(x, options);
            IReadOnlyList<ComponentMatch> matches = TruthComparison.Compare(result, truth);
            Console.WriteLine("recovery against the truth:");
            foreach (ComponentMatch m in matches)
            {
                string cleared = double.IsNaN(m.ClearedCosine) ? "" : $", cosine with amorphous share removed {m.ClearedCosine:F3}";
                Console.WriteLine($"  {m.Name,-24} → w{m.Found}/h{m.Found}: diffraction cosine {m.DiffractionCosine:F3}{cleared}, map Pearson {m.MapPearson:F3}");
            }

            int amorphous = matches[0].Found;
            double darkSpots = DarkSpotScore.Compute(result.Diffraction(amorphous), result.DetRows, result.DetCols);
            Console.WriteLine($"  dark-spot score of the amorphous diffraction: {darkSpots:E2} (0 = rotationally symmetric)");
            ResultWriter.Write(dir, result, input: null, MaskInfo.None, matches);
            TruthFiles.Write(Path.Combine(dir.Staging, "truth"), truth);
            bool withReport = p.GetValue(report);
            if (withReport)
            {
                ReportStep.Run(dir.Staging, dir.Final, result, x, truthDir: null, analysis.Build(p, options.Polar, mask: null), "fastnmf demo");
            }

            dir.Commit();
            Console.WriteLine($"wrote {dir.Final}: W.npy, H.npy, results.h5, summary.json, restart-history.npy, diffractions.png, maps.png, truth/{(withReport ? ", pca.json, the analysis files, figures/, report.html" : string.Empty)}");
            return 0;
        }));
        return command;
    }
}
