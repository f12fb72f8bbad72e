using FastNmf.Simulation;

namespace FastNmf.Analysis;

/// <summary>
/// Compares a factorization with the truth of a simulated data set: each true component is matched to a distinct
/// found component (the assignment that maximises the summed diffraction cosine plus map correlation; exhaustive for
/// k ≤ 8, greedy beyond), then scored.
/// </summary>
public static class TruthComparison
{
    /// <summary>Matches and scores every true component.</summary>
    /// <exception cref="ArgumentException">the shapes differ, or fewer components were found than exist.</exception>
    public static IReadOnlyList<ComponentMatch> Compare(NmfResult result, SimulatedTruth truth)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(truth);
        SimulationOptions o = truth.Options;
        if (result.DetRows != o.DetRows || result.DetCols != o.DetCols || result.ScanRows != o.ScanRows || result.ScanCols != o.ScanCols)
        {
            throw new ArgumentException("the factorization and the truth have different shapes.");
        }

        int kt = truth.Components;
        int kf = result.Components;
        if (kf < kt)
        {
            throw new ArgumentException($"{kf} components were found but the truth has {kt}; factorize with k ≥ {kt}.");
        }

        int nUv = o.DetRows * o.DetCols;
        int nXy = o.ScanRows * o.ScanCols;
        var score = new double[kt, kf];
        var cos = new double[kt, kf];
        var pearson = new double[kt, kf];
        for (int t = 0; t < kt; t++)
        {
            for (int f = 0; f < kf; f++)
            {
                cos[t, f] = Similarity.Cosine(truth.Diffractions.AsSpan(t * nUv, nUv), result.Diffraction(f));
                pearson[t, f] = Similarity.Pearson(truth.Maps.AsSpan(t * nXy, nXy), result.Map(f));
                score[t, f] = cos[t, f] + pearson[t, f];
            }
        }

        int[] assignment = Assign(score, kt, kf);
        ReadOnlySpan<float> amorphous = truth.Diffractions.AsSpan(0, nUv);
        var matches = new List<ComponentMatch>(kt);
        for (int t = 0; t < kt; t++)
        {
            int f = assignment[t];
            double cleared = t == 0 ? double.NaN : Similarity.Cosine(
                Similarity.RemoveShare(truth.Diffractions.AsSpan(t * nUv, nUv), amorphous),
                Similarity.RemoveShare(result.Diffraction(f), amorphous));
            matches.Add(new ComponentMatch(t, truth.Names[t], f, cos[t, f], cleared, pearson[t, f]));
        }

        return matches;
    }

    private static int[] Assign(double[,] score, int kt, int kf)
    {
        var best = new int[kt];
        if (kf <= 8)
        {
            var current = new int[kt];
            var used = new bool[kf];
            double bestScore = double.NegativeInfinity;
            void Search(int t, double sum)
            {
                if (t == kt)
                {
                    if (sum > bestScore)
                    {
                        bestScore = sum;
                        current.CopyTo(best, 0);
                    }

                    return;
                }

                for (int f = 0; f < kf; f++)
                {
                    if (!used[f])
                    {
                        used[f] = true;
                        current[t] = f;
                        Search(t + 1, sum + score[t, f]);
                        used[f] = false;
                    }
                }
            }

            Search(0, 0);
            return best;
        }

        var taken = new bool[kf];
        for (int t = 0; t < kt; t++)
        {
            int arg = -1;
            for (int f = 0; f < kf; f++)
            {
                if (!taken[f] && (arg < 0 || score[t, f] > score[t, arg]))
                {
                    arg = f;
                }
            }

            taken[arg] = true;
            best[t] = arg;
        }

        return best;
    }
}
