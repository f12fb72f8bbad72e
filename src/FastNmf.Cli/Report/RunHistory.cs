namespace FastNmf.Cli.Report;

/// <summary>Per-iteration monitoring values (Step 7) of one restart: MSE, ‖ΔW‖₁, ‖ΔH‖₁; index = iteration − 1.</summary>
internal sealed record RunHistory(double[] Mse, double[] DeltaW, double[] DeltaH)
{
    /// <summary>The three series in display order, with their axis labels.</summary>
    public IEnumerable<(string Name, double[] Values)> Series()
    {
        yield return ("MSE", Mse);
        yield return ("‖ΔW‖₁", DeltaW);
        yield return ("‖ΔH‖₁", DeltaH);
    }
}
