using FastNmf.Simulation;

namespace FastNmf.Analysis;

/// <summary>
/// Compares a factorization with the truth of a simulated data set: each true component is matched to a distinct
/// found component (the assignment that maximises the summed diffraction cosine plus map correlation, by the Hungarian
/// method), then scored.
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

        return Compare(result.W, result.H, result.Components, truth.Diffractions, truth.Maps, truth.Names, o.DetRows * o.DetCols, o.ScanRows * o.ScanCols);
    }

    /// <summary>
    /// Matches and scores true components given as arrays — e.g. W_true.npy and H_true.npy as <c>fastnmf simulate
    /// --truth</c> writes them — against found factors of the same detector and scan size (e.g. W.npy and H.npy read
    /// back, or another tool's). True component 0 is the amorphous one.
    /// </summary>
    /// <param name="w">Found diffractions, <paramref name="components"/> × <paramref name="detPixels"/>.</param>
    /// <param name="h">Found maps, <paramref name="components"/> × <paramref name="scanPixels"/>.</param>
    /// <param name="components">Found components.</param>
    /// <param name="trueW">True diffractions, one per name.</param>
    /// <param name="trueH">True maps, one per name.</param>
    /// <param name="names">True components' names (amorphous first).</param>
    /// <param name="detPixels">Detector pixels per diffraction.</param>
    /// <param name="scanPixels">Scan positions per map.</param>
    /// <exception cref="ArgumentException">a length does not match, or fewer components were found than exist.</exception>
    public static IReadOnlyList<ComponentMatch> Compare(ReadOnlySpan<float> w, ReadOnlySpan<float> h, int components,
        ReadOnlySpan<float> trueW, ReadOnlySpan<float> trueH, IReadOnlyList<string> names, int detPixels, int scanPixels)
    {
        ArgumentNullException.ThrowIfNull(names);
        int kt = names.Count;
        int kf = components;
        int nUv = detPixels;
        int nXy = scanPixels;
        if (w.Length != (long)kf * nUv || h.Length != (long)kf * nXy || trueW.Length != (long)kt * nUv || trueH.Length != (long)kt * nXy)
        {
            throw new ArgumentException("the factorization and the truth have different shapes.");
        }

        if (kf < kt)
        {
            throw new ArgumentException($"{kf} components were found but the truth has {kt}; factorize with k ≥ {kt}.");
        }

        var score = new double[kt, kf];
        var cos = new double[kt, kf];
        var pearson = new double[kt, kf];
        for (int t = 0; t < kt; t++)
        {
            for (int f = 0; f < kf; f++)
            {
                cos[t, f] = Similarity.Cosine(trueW.Slice(t * nUv, nUv), w.Slice(f * nUv, nUv));
                pearson[t, f] = Similarity.Pearson(trueH.Slice(t * nXy, nXy), h.Slice(f * nXy, nXy));
                score[t, f] = cos[t, f] + pearson[t, f];
            }
        }

        int[] assignment = OptimalAssignment.Maximise(score);
        ReadOnlySpan<float> amorphous = trueW[..nUv];
        var matches = new List<ComponentMatch>(kt);
        for (int t = 0; t < kt; t++)
        {
            int f = assignment[t];
            double cleared = t == 0 ? double.NaN : Similarity.Cosine(
                Similarity.RemoveShare(trueW.Slice(t * nUv, nUv), amorphous),
                Similarity.RemoveShare(w.Slice(f * nUv, nUv), amorphous));
            matches.Add(new ComponentMatch(t, names[t], f, cos[t, f], cleared, pearson[t, f]));
        }

        return matches;
    }
}
