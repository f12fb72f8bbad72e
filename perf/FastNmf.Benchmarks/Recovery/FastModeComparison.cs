using System.Diagnostics;
using System.Globalization;
using FastNmf.Analysis;
using FastNmf.Data;
using FastNmf.Simulation;

namespace FastNmf.Benchmarks.Recovery;

/// <summary>
/// <c>-- fast [--set k30|paper|big] [--seeds 1,2,3] [--variants "trial=30;trial=30,coarse=2,fine=50;preset"] [--exact 1]</c>:
/// on simulated sets with a truth, the exact protocol (500 iterations × 10 restarts, the defaults) and each fast
/// variant in one run, each scored against the truth (Hungarian-matched): wall time of the factorization, final MSE and
/// its difference from the exact run's, diffractions at cosine &gt; 0.9 and maps at Pearson &gt; 0.9, their means. For a
/// trial (restarts pruned), which restart the trial would keep is also read off the exact run's own histories (the
/// lowest MSE at the trial's last iteration) next to the one the exact run kept, with that restart's final MSE there;
/// and whether a trial run's kept restart ended with exactly the bits of the same restart in the exact run. The variant
/// <c>preset</c> is what <c>--fast</c> picks for the set (<see cref="FastPreset.Apply"/>).
/// </summary>
internal static class FastModeComparison
{
    public static void Run(string[] args)
    {
        Dictionary<string, string> a = NamedArguments.Parse(args);

        string set = a.GetValueOrDefault("set", "k30");
        ulong[] seeds = a.GetValueOrDefault("seeds", set == "paper" ? "0" : "1").Split(',').Select(s => ulong.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        string[] variants = a.GetValueOrDefault("variants", "trial=30;trial=30,coarse=2,fine=50").Split(';', StringSplitOptions.RemoveEmptyEntries);
        bool exact = a.GetValueOrDefault("exact", "1") == "1";
        int iterations = int.Parse(a.GetValueOrDefault("iterations", "500"), CultureInfo.InvariantCulture);
        Console.WriteLine($"| set | run | factorization (s) | final MSE | vs exact | diffractions cos > 0.9 | maps r > 0.9 | mean cos | mean cleared cos | mean r | kept restart |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (ulong seed in seeds)
        {
            SimulationOptions so = set switch
            {
                "k30" => SimulationPresets.ThirtyComponents(seed),
                "paper" => new SimulationOptions { Seed = seed },
                "big" => SimulationPresets.ThirtyComponents(seed) with { ScanRows = 116, ScanCols = 116 },
                _ => throw new ArgumentException($"--set {set}: k30, paper or big"),
            };
            (Dataset4D data, SimulatedTruth truth) = Simulator.Generate(so);
            using UnfoldedData x = UnfoldedData.CreateCounts(new FastNmf.IO.ArrayFrameSource(data));
            data = null!;
            var baseOptions = new NmfOptions { Components = truth.Components, Iterations = iterations };
            string name = $"{set} seed {seed} ({so.ScanRows}×{so.ScanCols}, k = {truth.Components})";
            NmfResult? reference = null;
            if (exact)
            {
                reference = Score(name, $"exact ({baseOptions.Iterations} × {baseOptions.Restarts})", x, baseOptions, truth, null);
                foreach (int trial in variants.Where(v => v.Trim() != "preset").Select(Parse).Where(p => p.ContainsKey("trial")).Select(p => int.Parse(p["trial"], CultureInfo.InvariantCulture)).Distinct())
                {
                    int pick = Enumerable.Range(0, reference.Restarts.Count).OrderBy(r => reference.RestartHistories[r].Mse[trial - 1]).ThenBy(r => r).First();
                    Console.WriteLine($"|  | trial of {trial} read off the exact run: keeps restart {pick} (final MSE {reference.Restarts[pick].FinalMse:G8}), the exact run kept {reference.ChosenRestart} ({reference.Mse:G8}): {(pick == reference.ChosenRestart ? "the same" : $"{(reference.Restarts[pick].FinalMse / reference.Mse) - 1:P5} apart")} |||||||||");
                }
            }

            foreach (string v in variants)
            {
                if (v.Trim() == "preset")
                {
                    Score(name, v, x, FastPreset.Apply(baseOptions, so.ScanRows, so.ScanCols), truth, reference);
                    continue;
                }

                Dictionary<string, string> p = Parse(v);
                NmfOptions o = baseOptions with
                {
                    TrialIterations = p.TryGetValue("trial", out string? t) ? int.Parse(t, CultureInfo.InvariantCulture) : null,
                    RestartsKept = p.TryGetValue("keep", out string? kp) ? int.Parse(kp, CultureInfo.InvariantCulture) : 1,
                    CoarseScan = p.TryGetValue("coarse", out string? c) ? int.Parse(c, CultureInfo.InvariantCulture) : null,
                    FineIterations = p.TryGetValue("fine", out string? f) ? int.Parse(f, CultureInfo.InvariantCulture) : FastPreset.FineIterations,
                };
                Score(name, v, x, o, truth, reference);
            }
        }
    }

    private static Dictionary<string, string> Parse(string variant) =>
        variant.Split(',').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim());

    private static NmfResult Score(string set, string run, UnfoldedData x, NmfOptions options, SimulatedTruth truth, NmfResult? reference)
    {
        var clock = Stopwatch.StartNew();
        NmfResult r = Factorizer.Run(x, options);
        double seconds = clock.Elapsed.TotalSeconds;
        IReadOnlyList<ComponentMatch> m = TruthComparison.Compare(r, truth);
        // The relative difference of the final MSEs, "0" only when they are equal.
        string vs = reference is null ? "—" : string.Create(CultureInfo.InvariantCulture, $"{(r.Mse / reference.Mse) - 1:+0.0E+0;-0.0E+0;0}");
        int chosen = r.CoarseStage?.ChosenRestart ?? r.ChosenRestart;
        string kept = reference is null || r.CoarseStage is not null ? $"{chosen}"
            : BitConverter.DoubleToInt64Bits(r.Restarts[chosen].FinalMse) == BitConverter.DoubleToInt64Bits(reference.Restarts[chosen].FinalMse)
                ? $"{chosen} (its final MSE bit for bit the exact run's)"
                : $"{chosen} (its final MSE differs from the exact run's)";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {set} | {run} | {seconds:F1} | {r.Mse:G8} | {vs} | {m.Count(c => c.DiffractionCosine > 0.9)}/{m.Count} | {m.Count(c => c.MapPearson > 0.9)}/{m.Count} | {m.Average(c => c.DiffractionCosine):F4} | {m.Skip(1).Average(c => c.ClearedCosine):F4} | {m.Average(c => c.MapPearson):F4} | {kept} |"));
        return r;
    }
}
