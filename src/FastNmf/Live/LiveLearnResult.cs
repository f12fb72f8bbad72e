using FastNmf.Analysis;

namespace FastNmf.Live;

/// <summary>What a live scan learned, and the batch protocol's finish of it.</summary>
public sealed class LiveLearnResult
{
    internal LiveLearnResult(NmfModel learned, Projection projection, NmfResult? finished, string? finishSkipped, int refreshes, int reseeds)
    {
        Learned = learned;
        Projection = projection;
        Finished = finished;
        FinishSkipped = finishSkipped;
        Refreshes = refreshes;
        Reseeds = reseeds;
        Agreement = finished is null ? null : AgreementOf(learned, finished);
    }

    /// <summary>The W learned during the scan.</summary>
    public NmfModel Learned { get; }

    /// <summary>The whole scan projected onto the learned W (with the model's [·]_H).</summary>
    public Projection Projection { get; }

    /// <summary>The batch protocol warm-started from the learned W and H, or null (see <see cref="FinishSkipped"/>).</summary>
    public NmfResult? Finished { get; }

    /// <summary>Why there is no finish, or null.</summary>
    public string? FinishSkipped { get; }

    /// <summary>W refreshes during the scan.</summary>
    public int Refreshes { get; }

    /// <summary>Components re-seeded during the scan.</summary>
    public int Reseeds { get; }

    /// <summary>How far the learned W was from the finish: for each finished diffraction (in the finish's order), its
    /// cosine with the closest learned one; null without a finish.</summary>
    public IReadOnlyList<double>? Agreement { get; }

    // The finish keeps the order it started with, then sorts by ‖h‖₂: each finished column matched by its best cosine.
    private static double[] AgreementOf(NmfModel learned, NmfResult finished)
    {
        int k = finished.Components, n = learned.Pixels.DetectorPixels;
        float[] a = learned.W;
        var best = new double[k];
        for (int c = 0; c < k; c++)
        {
            for (int d = 0; d < k; d++)
            {
                best[c] = Math.Max(best[c], Similarity.Cosine(finished.W.AsSpan(c * n, n), a.AsSpan(d * n, n)));
            }
        }

        return best;
    }
}
