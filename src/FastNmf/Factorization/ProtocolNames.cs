namespace FastNmf;

/// <summary>How result files name a run's protocol choices, the same in summary.json and results.h5.</summary>
public static class ProtocolNames
{
    /// <summary>The amorphous-share setting: "remove" (applied where at least 16 radii
    /// are bright), "keep" (the paper's plain protocol),
    /// or "none" when the run has no [·]_W.</summary>
    public static string AmorphousShare(NmfOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Method != NmfMethod.Constrained || options.DiffractionConstraint != DiffractionConstraint.DarkSpotFill)
        {
            return "none";
        }

        return options.RemoveAmorphousShare ? "remove" : "keep";
    }
}
