using System.Globalization;
using FastNmf.Cli.Output;
using FastNmf.Data;

namespace FastNmf.Cli.Commands;

/// <summary>Runs a factorization with the live progress display, Ctrl+C cancellation, and the closing report lines.</summary>
internal static class FactorizationSession
{
    public static NmfResult Run(UnfoldedData x, NmfOptions options, Distributed.Communicator? comm = null)
    {
        // Against X as read (the mask known): the same on every rank, reported once by rank 0.
        if (comm is { Size: > 1 })
        {
            DistributedRun.Agreed(comm, () =>
            {
                SolverOptionSet.Check(options, x.NUv, x.Slab.TotalFrames);
                return 0;
            });
        }
        else
        {
            SolverOptionSet.Check(options, x.NUv, x.Slab.TotalFrames);
        }

        Console.WriteLine($"X: {x.NUv} detector pixels × {x.Slab.TotalFrames} scan positions{(comm is { Size: > 1 } ? $" ({x.NXy} on rank 0)" : string.Empty)}; method {options.Method.ToString().ToLowerInvariant()}, k = {options.Components}, " +
            $"{options.Iterations} iterations × {options.Restarts} restarts, seed {options.Seed}" +
            (options.Method == NmfMethod.Constrained ? $"; W: {options.DiffractionConstraint}, H: {options.MapConstraint} ({options.MapKernel.Description})" : string.Empty));
        var display = new ProgressDisplay(options.Iterations, options.Restarts);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler handler = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        // Under MPI the launcher ends every rank on Ctrl+C; a rank that stopped alone would leave the others waiting.
        bool distributed = comm is { Size: > 1 };
        if (!distributed)
        {
            Console.CancelKeyPress += handler;
        }

        try
        {
            NmfResult result = distributed
                ? Factorizer.Run(x, options, comm!, comm!.Rank == 0 ? display.Report : null, CancellationToken.None)
                : Factorizer.Run(x, options, display.Report, cancel.Token);
            display.Finish();
            if (result.CoarseStage is { } coarse)
            {
                Console.WriteLine($"coarse stage: the scan binned {options.CoarseScan}×{options.CoarseScan} ({coarse.ScanRows}×{coarse.ScanCols}), {coarse.Options.Iterations} iterations, {coarse.Elapsed.TotalSeconds:F2} s; X stored {SolverOptionSet.StorageName(coarse.Storage)}");
                foreach (RestartSummary r in coarse.Restarts)
                {
                    Console.WriteLine(r.Pruned
                        ? $"  restart {r.Index + 1,2}: pruned at MSE {r.FinalMse:F8} after {r.Iterations} iterations"
                        : $"  restart {r.Index + 1,2}: MSE {r.FinalMse:F8} after {r.Iterations} iterations{(r.Index == coarse.ChosenRestart ? "  ← taken on" : string.Empty)}");
                }

                Console.WriteLine($"full scan: {options.FineIterations} iterations from the coarse diffractions");
            }

            foreach (RestartSummary r in result.Restarts)
            {
                string notes = (r.RidgeSolves > 0 ? $", {r.RidgeSolves} ridge solve(s) (max λ {r.MaxRidge:E1})" : string.Empty)
                    + (r.Reseeds > 0 ? $", {r.Reseeds} component(s) re-seeded" : string.Empty);
                Console.WriteLine(r.Pruned
                    ? $"restart {r.Index + 1,2}: pruned at MSE {r.FinalMse:F8} after {r.Iterations} iterations{notes}"
                    : $"restart {r.Index + 1,2}: final MSE {r.FinalMse:F8} after {r.Iterations} iterations{notes}{(r.Index == result.ChosenRestart ? "  ← kept" : string.Empty)}");
            }

            Console.WriteLine($"kernels: {result.Kernels}");
            Console.WriteLine($"backend {result.Backend}, X stored {SolverOptionSet.StorageName(result.Storage)}, {result.Batch} restart(s) per pass over X, {result.Threads} thread(s)");
            int total = result.Restarts.Sum(r => r.Iterations);
            Console.WriteLine(result.CoarseStage is { } stage
                ? $"wall time {result.Elapsed.TotalSeconds:F2} s (coarse stage {stage.Elapsed.TotalSeconds:F2} s, full scan {(result.Elapsed - stage.Elapsed).TotalSeconds:F2} s)"
                : $"wall time {result.Elapsed.TotalSeconds:F2} s ({result.Elapsed.TotalMilliseconds / Math.Max(1, total):F2} ms per restart-iteration)");
            Console.WriteLine("time per phase: " + string.Join(", ", result.Phases.All.Select(p => $"{p.Name} {p.Time.TotalSeconds:F2} s")));
            if (result.Communication is { } c)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"communication (rank {comm!.Rank}): {c.Steps} steps, {c.CollectivesPerStep:F1} collectives and {c.BytesPerStep / 1024:F1} KiB per step ({c.ReducedBytes / 1048576.0:F2} MiB reduced, {c.ExchangedBytes / 1048576.0:F2} MiB of halo rows), {c.Time.TotalSeconds:F2} s in collectives ({c.Time.TotalMilliseconds / Math.Max(1, c.Steps):F3} ms per step)"));
            }

            return result;
        }
        finally
        {
            display.Finish();
            Console.CancelKeyPress -= handler;
        }
    }
}
