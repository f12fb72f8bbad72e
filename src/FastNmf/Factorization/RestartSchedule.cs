using FastNmf.Numerics;

namespace FastNmf.Factorization;

/// <summary>
/// Which restarts run how far, and which one is kept (Step 8): every restart from its own seed, in batches of the
/// workspace's size, the lowest final MSE kept. With <see cref="NmfOptions.TrialIterations"/>, every restart first runs
/// the trial, the <see cref="NmfOptions.RestartsKept"/> lowest MSEs there (ties by restart index) are saved and taken on
/// together to the last iteration, the others stop where they are (<see cref="RestartSummary.Pruned"/>), and the kept
/// restart is the best of those that went on.
/// </summary>
internal static class RestartSchedule
{
    /// <summary>The outcome: one summary and one history per restart, in restart order; the index of the kept one (its
    /// W and H are in the workspace's best buffers); the iteration steps taken (a batch counts its longest restart).</summary>
    public sealed record Outcome(List<RestartSummary> Summaries, List<IterationHistory> Histories, int Best, int Steps);

    public static Outcome Run(NmfSolver solver, NmfOptions options, int batch, Action<IterationStats>? progress, CancellationToken cancel)
    {
        bool prune = options.TrialIterations is int trial && trial < options.Iterations && options.RestartsKept < options.Restarts;
        var summaries = new RestartSummary[options.Restarts];
        var histories = new IterationHistory[options.Restarts];
        var kept = new List<RestartState>();
        var seeds = new ulong[batch];
        int best = -1, steps = 0;
        for (int first = 0; first < options.Restarts; first += batch)
        {
            int count = Math.Min(batch, options.Restarts - first);
            var batchHistories = new IterationHistory[count];
            for (int r = 0; r < count; r++)
            {
                seeds[r] = SeededRandom.Derive(options.Seed, (ulong)(first + r));
                batchHistories[r] = histories[first + r] = new IterationHistory(options.Iterations);
            }

            RestartSummary[] done = solver.RunBatch(first, seeds.AsSpan(0, count), batchHistories, progress, cancel, prune ? options.TrialIterations : null);
            steps += done.Max(d => d.Iterations);
            for (int r = 0; r < count; r++)
            {
                summaries[first + r] = done[r];
                if (prune)
                {
                    kept.Add(solver.Save(r, batchHistories[r]));
                }
                else if (best < 0 || done[r].FinalMse < summaries[best].FinalMse)
                {
                    best = first + r;
                    solver.KeepAsBest(r);
                }
            }

            if (prune)
            {
                // Only the best so far stay in memory; the rest are final where the trial left them.
                kept = [.. kept.OrderBy(s => s.Mse).ThenBy(s => s.Restart)];
                foreach (RestartState dropped in kept.Skip(options.RestartsKept))
                {
                    summaries[dropped.Restart] = summaries[dropped.Restart] with { Pruned = true };
                }

                kept = [.. kept.Take(options.RestartsKept)];
            }
        }

        if (prune)
        {
            // The kept restarts go on together, as many per pass as the workspace holds, in restart order.
            kept = [.. kept.OrderBy(s => s.Restart)];
            for (int first = 0; first < kept.Count; first += batch)
            {
                RestartSummary[] done = solver.Continue(kept.GetRange(first, Math.Min(batch, kept.Count - first)), options.TrialIterations!.Value, progress, cancel);
                steps += done.Max(d => d.Iterations) - options.TrialIterations!.Value;
                for (int r = 0; r < done.Length; r++)
                {
                    summaries[done[r].Index] = done[r];
                    if (best < 0 || done[r].FinalMse < summaries[best].FinalMse)
                    {
                        best = done[r].Index;
                        solver.KeepAsBest(r);
                    }
                }
            }
        }

        for (int i = 0; i < summaries.Length; i++)
        {
            histories[i].Truncate(summaries[i].Iterations);
        }

        return new Outcome([.. summaries], [.. histories], best, steps);
    }
}
