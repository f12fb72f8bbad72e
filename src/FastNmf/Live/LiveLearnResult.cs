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
}
