using System.Diagnostics;
using System.Globalization;
using FastNmf.Analysis;
using FastNmf.Data;
using FastNmf.Simulation;

namespace FastNmf.Benchmarks.Recovery;

/// <summary>
/// <c>-- recovery [--set k30|k12] [--seed S] [--iterations N] [--restarts R (1)] [--share remove|keep] [--route pixel|polar] [--oracle 1] …</c>: one factorization
/// of a many-component simulated set (<see cref="SimulationPresets"/>), scored against its truth: diffractions at cosine
/// &gt; 0.9 and maps at Pearson &gt; 0.9 (Hungarian-matched), and per restart its final MSE, its worst MSE after
/// iteration 20 relative to its running minimum, and its last ‖ΔW‖₁ — the numbers of issue 15, with the wall time.
/// </summary>
internal static class RecoveryRun
{
    public static void Run(string[] args)
    {
        Dictionary<string, string> a = NamedArguments.Parse(args);

        string set = a.GetValueOrDefault("set", "k30");
        ulong seed = ulong.Parse(a.GetValueOrDefault("seed", "1"), CultureInfo.InvariantCulture);
        SimulationOptions so = set switch
        {
            "k30" => SimulationPresets.ThirtyComponents(seed),
            "paper" => new SimulationOptions { Seed = seed },
            "tiny" => new SimulationOptions { Seed = seed, ScanRows = 12, ScanCols = 12, DetRows = 16, DetCols = 16, Crystals = 1, Dose = 2000 },
            "k12" => SimulationPresets.Copies(seed, 40, 96, [(1, 3), (2, 3), (3, 2)]),
            _ => throw new ArgumentException($"--set {set}: k30, k12, paper or tiny"),
        };

        if (a.TryGetValue("crystallinity", out string? levels))
        {
            so = so with { Crystallinities = levels.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray() };
        }

        if (a.TryGetValue("area", out string? area))
        {
            so = so with { AreaSize = double.Parse(area, CultureInfo.InvariantCulture) };
        }

        var clock = Stopwatch.StartNew();
        (Dataset4D data, SimulatedTruth truth) = Simulator.Generate(so);
        if (a.ContainsKey("oracle"))
        {
            Oracle(data, truth);
        }

        using UnfoldedData x = UnfoldedData.Create(data);
        data = null!;
        Console.WriteLine($"set {set} seed {seed}: {so.ScanRows}×{so.ScanCols}×{so.DetRows}×{so.DetCols}, k = {truth.Components}, made in {clock.Elapsed.TotalSeconds:F1} s");
        var options = Options(a, truth.Components, seed);
        clock.Restart();
        NmfResult result = Factorizer.Run(x, options);
        double seconds = clock.Elapsed.TotalSeconds;
        Report(result, truth, seconds);
    }

    // The best a W-step can do: W = X H_trueᵀ (H_true H_trueᵀ)⁻¹ with the true maps, [·]₊ — how far the noise alone
    // lets each true diffraction be recovered.
    private static void Oracle(Dataset4D data, SimulatedTruth truth)
    {
        int k = truth.Components, nUv = data.NUv, nXy = data.NXy;
        var a = new double[k * nUv];
        var g = new double[k * k];
        float[] h = truth.Maps;
        Parallel.For(0, k, c =>
        {
            for (int j = 0; j < nXy; j++)
            {
                double hc = h[(c * nXy) + j];
                if (hc == 0)
                {
                    continue;
                }

                ReadOnlySpan<float> frame = data.Data.AsSpan(j * nUv, nUv);
                for (int u = 0; u < nUv; u++)
                {
                    a[(c * nUv) + u] += hc * frame[u];
                }
            }

            for (int d = 0; d < k; d++)
            {
                double s = 0;
                for (int j = 0; j < nXy; j++)
                {
                    s += (double)h[(c * nXy) + j] * h[(d * nXy) + j];
                }

                g[(c * k) + d] = s;
            }
        });

        var inv = new double[k * k];
        FastNmf.Kernels.SmallSolve.CholeskyInverse.Invert(g, inv, new double[k * k], k);
        var w = new float[k * nUv];
        for (int c = 0; c < k; c++)
        {
            for (int u = 0; u < nUv; u++)
            {
                double v = 0;
                for (int d = 0; d < k; d++)
                {
                    v += inv[(c * k) + d] * a[(d * nUv) + u];
                }

                w[(c * nUv) + u] = (float)Math.Max(0, v);
            }
        }

        var cos = Enumerable.Range(0, k).Select(c => Similarity.Cosine(truth.Diffractions.AsSpan(c * nUv, nUv), w.AsSpan(c * nUv, nUv))).ToArray();
        Console.WriteLine($"oracle W-step (true maps): {cos.Count(v => v > 0.9)}/{k} at cosine > 0.9: " + string.Join(" ", cos.Select(v => v.ToString("F2", CultureInfo.InvariantCulture))));
    }

    internal static NmfOptions Options(Dictionary<string, string> a, int k, ulong seed) => new NmfOptions
    {
        Components = int.Parse(a.GetValueOrDefault("k", k.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
        Iterations = int.Parse(a.GetValueOrDefault("iterations", "500"), CultureInfo.InvariantCulture),
        Restarts = int.Parse(a.GetValueOrDefault("restarts", "1"), CultureInfo.InvariantCulture),
        Seed = ulong.Parse(a.GetValueOrDefault("nmf-seed", "0"), CultureInfo.InvariantCulture),
        DiffractionConstraint = Enum.Parse<DiffractionConstraint>(a.GetValueOrDefault("w", "DarkSpotFill"), true),
        Polar = new FastNmf.Constraints.PolarConstraintOptions { Route = Enum.Parse<FastNmf.Constraints.PolarFillRoute>(a.GetValueOrDefault("route", "pixel"), true) },
        RemoveAmorphousShare = a.GetValueOrDefault("share", "remove") == "remove",
        MapConstraint = Enum.Parse<MapConstraint>(a.GetValueOrDefault("h", "Convolution"), true),
    };

    internal static void Report(NmfResult result, SimulatedTruth truth, double seconds)
    {
        IReadOnlyList<ComponentMatch> matches = TruthComparison.Compare(result, truth);
        int w = matches.Count(m => m.DiffractionCosine > 0.9);
        int h = matches.Count(m => m.MapPearson > 0.9);
        Console.WriteLine($"recovered: diffractions {w}/{matches.Count} at cosine > 0.9, maps {h}/{matches.Count} at Pearson > 0.9; " +
            $"chosen restart {result.ChosenRestart}, MSE {result.Mse:G6}, {seconds:F1} s");
        int nUvAll = result.DetRows * result.DetCols;
        double darkFound = DarkSpotScore.Compute(result.Diffraction(matches[0].Found), result.DetRows, result.DetCols);
        double darkTrue = DarkSpotScore.Compute(truth.Diffractions.AsSpan(0, nUvAll), result.DetRows, result.DetCols);
        Console.WriteLine($"  amorphous dark-spot score {darkFound:G3} (the truth's {darkTrue:G3})");
        Console.WriteLine("  per truth (cos / pearson): " + string.Join(" ", matches.Select(m => $"{m.DiffractionCosine:F2}({m.ClearedCosine:F2})/{m.MapPearson:F2}")));
        var clock = Stopwatch.StartNew();
        AnalysisResult an = ComponentAnalysis.Run(result);
        var truthOf = new int[result.Components];
        Array.Fill(truthOf, -1);
        foreach (ComponentMatch m in matches)
        {
            truthOf[m.Found] = m.Truth;
        }

        Console.WriteLine($"clusters: {an.Clusters.Count} ({an.Clusters.Count(c => c.IsAmorphous)} amorphous), analysis {clock.Elapsed.TotalSeconds:F1} s");
        foreach (ComponentCluster c in an.Clusters)
        {
            // Each member's angle against the representative, and the truth's angle difference (mod the symmetry).
            int rep = c.Representative;
            string members = string.Join(" ", c.Members.Select((f, i) =>
            {
                int t = truthOf[f];
                string name = t < 0 ? "extra" : $"L{truth.Lattices[t]}";
                int tr = truthOf[rep];
                if (t < 0 || tr < 0 || truth.RotationalSymmetry[t] == 0 || truth.Lattices[t] != truth.Lattices[tr])
                {
                    return $"{name}";
                }

                double period = 360.0 / truth.RotationalSymmetry[t];
                double expected = truth.Rotations[t] - truth.Rotations[tr];
                double err = Math.IEEERemainder(c.Angles[i] - expected, period);
                double err2 = Math.IEEERemainder(c.Angles[i] + expected, period);
                return $"{name}:{Math.Min(Math.Abs(err), Math.Abs(err2)):F1}°";
            }));
            double counts = c.SummedMap?.Sum(v => (double)v) ?? 0;
            double all = result.H.Sum(v => (double)v);
            Console.WriteLine($"  cluster {c.Label}{(c.IsAmorphous ? " amorphous" : string.Empty)} (isotropy {c.Isotropy:F2}, {counts / all:P2} of counts): {members}");
        }

        double best = result.Restarts.Min(r => r.FinalMse);
        for (int r = 0; r < result.Restarts.Count; r++)
        {
            IterationHistory hist = result.RestartHistories[r];
            if (Environment.GetEnvironmentVariable("RECOVERY_HISTORY") is not null)
            {
                Console.WriteLine("  MSE: " + string.Join(" ", hist.Mse.Select(v => v.ToString("G5", CultureInfo.InvariantCulture))));
            }

            double min = double.PositiveInfinity, worst = 0;
            int worstAt = -1;
            for (int i = 0; i < hist.Count; i++)
            {
                min = Math.Min(min, hist.Mse[i]);
                if (i >= 20 && hist.Mse[i] / min > worst)
                {
                    worst = hist.Mse[i] / min;
                    worstAt = i;
                }
            }

            Console.WriteLine($"  restart {r}: final MSE {result.Restarts[r].FinalMse:G6} ({(result.Restarts[r].FinalMse / best) - 1:P2} above best), " +
                $"worst MSE/running min after it. 20 {worst:F3} at {worstAt}, last ‖ΔW‖₁ {hist.DeltaW[hist.Count - 1]:G3}, ridge solves {result.Restarts[r].RidgeSolves}, reseeds {result.Restarts[r].Reseeds}");
        }
    }
}
