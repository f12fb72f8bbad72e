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
        bool prune = options.Prunes;
        var summaries = new RestartSummary[options.Restarts];
        var histories = new IterationHistory[options.Restarts];
        var kept = new List<RestartState>();
        var seeds = new ulong[batch];
        int best = -1, steps = 0;

        // Step 8's choice: the lowest final MSE, the lowest restart index among equals (whatever order they come in).
        bool Better(RestartSummary s) =>
            best < 0 || s.FinalMse < summaries[best].FinalMse || (s.FinalMse == summaries[best].FinalMse && s.Index < best);

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
                if (!prune && Better(done[r]))
                {
                    best = first + r;
                    solver.KeepAsBest(r);
                }
            }

            if (prune)
            {
                // The RestartsKept lowest MSEs so far (ties by restart index) stay; only this batch's among them are
                // saved, so no more than RestartsKept restarts are ever held outside the workspace.
                var survivors = kept.Select(s => (s.Mse, Index: s.Restart)).Concat(done.Select(d => (Mse: d.FinalMse, d.Index)))
                    .OrderBy(c => c.Mse).ThenBy(c => c.Index).Take(options.RestartsKept).Select(c => c.Index).ToHashSet();
                foreach (RestartState dropped in kept.Where(s => !survivors.Contains(s.Restart)))
                {
                    summaries[dropped.Restart] = summaries[dropped.Restart] with { Pruned = true };
                }

                kept.RemoveAll(s => !survivors.Contains(s.Restart));
                for (int r = 0; r < count; r++)
                {
                    if (survivors.Contains(first + r))
                    {
                        kept.Add(solver.Save(r, batchHistories[r]));
                    }
                    else
                    {
                        summaries[first + r] = done[r] with { Pruned = true };
                    }
                }
            }
        }

        if (prune)
        {
            // A kept restart that met the tolerance in the trial is final as saved; the others go on together, as many
            // per pass as the workspace holds, in restart order.
            foreach (RestartState final in kept.Where(s => !s.Active))
            {
                if (Better(summaries[final.Restart]))
                {
                    best = final.Restart;
                    solver.KeepAsBest(final);
                }
            }

            List<RestartState> going = [.. kept.Where(s => s.Active).OrderBy(s => s.Restart)];
            for (int first = 0; first < going.Count; first += batch)
            {
                RestartSummary[] done = solver.Continue(going.GetRange(first, Math.Min(batch, going.Count - first)), options.TrialIterations!.Value, progress, cancel);
                steps += done.Max(d => d.Iterations) - options.TrialIterations!.Value;
                for (int r = 0; r < done.Length; r++)
                {
                    summaries[done[r].Index] = done[r];
                    if (Better(done[r]))
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
