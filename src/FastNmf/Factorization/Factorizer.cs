using System.Diagnostics;
using FastNmf.Data;
using FastNmf.Factorization;
using FastNmf.Kernels;
using FastNmf.Kernels.Threading;
using FastNmf.Numerics;

namespace FastNmf;

/// <summary>
/// Runs a factorization X ≈ WH: every restart from its own seed (Step 8), keeps the one with the lowest final MSE,
/// normalises each diffraction to unit L1 norm (H scaled to keep WH) and sorts components by the L2 norm of their
/// maps (Step 9).
/// </summary>
public static class Factorizer
{
    /// <summary>The kernel backend a run would use, as one line (backend name and implementations).</summary>
    public static string DescribeBackend() => KernelSet.CreateDefault().Describe();

    /// <summary>Factorizes <paramref name="x"/>.</summary>
    /// <param name="x">The data matrix.</param>
    /// <param name="options">Method, k, iterations, restarts, constraints, seed.</param>
    /// <param name="progress">Called on the calling thread after every iteration of every restart.</param>
    /// <param name="cancel">Checked once per iteration.</param>
    /// <exception cref="ArgumentOutOfRangeException">an option is out of range (the message names it).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was signalled.</exception>
    /// <exception cref="ArithmeticException">the iteration produced a non-finite value (degenerate data).</exception>
    public static NmfResult Run(UnfoldedData x, NmfOptions options, Action<IterationStats>? progress = null, CancellationToken cancel = default) =>
        Run(x, options, KernelSet.CreateDefault(), progress, cancel);

    internal static NmfResult Run(UnfoldedData x, NmfOptions options, KernelSet kernels, Action<IterationStats>? progress, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(x.NUv, x.NXy);
        var clock = Stopwatch.StartNew();
        int k = options.Components;
        using var workspace = new SolverWorkspace(x, k);
        using var team = new WorkerTeam(options.Threads);
        var solver = new NmfSolver(x, options, kernels, workspace, team);
        var summaries = new List<RestartSummary>(options.Restarts);
        IterationHistory? bestHistory = null;
        int best = -1;
        for (int r = 0; r < options.Restarts; r++)
        {
            ulong seed = SeededRandom.Derive(options.Seed, (ulong)r);
            var history = new IterationHistory(options.Iterations);
            RestartSummary summary = solver.RunRestart(r, seed, history, progress, cancel);
            history.Truncate(summary.Iterations);
            summaries.Add(summary);
            if (best < 0 || summary.FinalMse < summaries[best].FinalMse)
            {
                best = r;
                bestHistory = history;
                solver.KeepAsBest();
            }
        }

        (float[] w, float[] h) = NormaliseAndSort(workspace.BestW, workspace.BestH, k, x.NUv, x.NXy);
        return new NmfResult(options, x.RefoldDiffractions(w, k), h, x.ScanRows, x.ScanCols, x.DetRows, x.DetCols,
            summaries, best, bestHistory!, kernels.Backend, kernels.Describe(), options.Threads, clock.Elapsed);
    }

    // Unit L1 norm per diffraction (H rows scaled inversely, WH unchanged), then components ordered by ‖h‖₂, largest
    // first; ties keep their index order so the permutation is deterministic.
    internal static (float[] W, float[] H) NormaliseAndSort(ReadOnlySpan<float> w, ReadOnlySpan<float> h, int k, int nUv, int nXy)
    {
        var wn = w.ToArray();
        var hn = h.ToArray();
        var norms = new double[k];
        for (int c = 0; c < k; c++)
        {
            Span<float> wc = wn.AsSpan(c * nUv, nUv);
            Span<float> hc = hn.AsSpan(c * nXy, nXy);
            double l1 = 0;
            foreach (float v in wc)
            {
                l1 += Math.Abs(v);
            }

            if (l1 > 0)
            {
                for (int i = 0; i < wc.Length; i++)
                {
                    wc[i] = (float)(wc[i] / l1);
                }

                for (int i = 0; i < hc.Length; i++)
                {
                    hc[i] = (float)(hc[i] * l1);
                }
            }

            double l2 = 0;
            foreach (float v in hc)
            {
                l2 += (double)v * v;
            }

            norms[c] = Math.Sqrt(l2);
        }

        int[] order = Enumerable.Range(0, k).OrderByDescending(c => norms[c]).ThenBy(c => c).ToArray();
        var ws = new float[k * nUv];
        var hs = new float[k * nXy];
        for (int i = 0; i < k; i++)
        {
            wn.AsSpan(order[i] * nUv, nUv).CopyTo(ws.AsSpan(i * nUv, nUv));
            hn.AsSpan(order[i] * nXy, nXy).CopyTo(hs.AsSpan(i * nXy, nXy));
        }

        return (ws, hs);
    }
}
