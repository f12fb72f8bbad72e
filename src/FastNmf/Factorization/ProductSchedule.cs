using System.Globalization;

namespace FastNmf.Factorization;

/// <summary>
/// How many rows the products multiply with X for how many iterations: all restarts of a pass for the trial (or the
/// whole run), then only the kept ones (<see cref="NmfOptions.TrialIterations"/>); and which storage of counted X
/// does that faster. Measured with <c>perf/FastNmf.Benchmarks -- phases</c> on the paper's set (37 % nonzero, both
/// products, Emerald Rapids, ms): uint16 K = 4: 2.1, 16: 10.8, 30: 23, 40: 33, 300: 260 — max(0.53·K, 0.877·K − 3.2);
/// sparse K = 4: 6.7, 30: 8.1, 300: 67 — about 5.5 + 0.2·K. They cross at
/// <see cref="Factorizer.SparseMinimumRowsOverUInt16"/> rows. Sparse work is per nonzero, uint16 work per value:
/// sparse costs scale with the fraction of nonzeros over the 37 % they were measured at — a scan binned 2 × 2 holds
/// ~84 %, where the measured coarse stage of a 256×256 scan took 124 s sparse and 233 s uint16 (the model: 15.4 against
/// 17.5 thousand units).
/// </summary>
/// <param name="TrialRows">Rows of the first part (k × restarts per pass).</param>
/// <param name="TrialIterations">Its iterations (the whole run without a trial).</param>
/// <param name="RestRows">Rows after the trial (k × restarts kept).</param>
/// <param name="RestIterations">Its iterations (0 without a trial).</param>
/// <param name="NonZeroFraction">Fraction of X's values that are nonzero.</param>
internal readonly record struct ProductSchedule(int TrialRows, int TrialIterations, int RestRows, int RestIterations, double NonZeroFraction = ProductSchedule.MeasuredAt)
{
    // The nonzero fraction of the paper's set, where the constants were measured.
    internal const double MeasuredAt = 0.37;

    /// <summary>The schedule of a run with <paramref name="batch"/> restarts per pass over X with
    /// <paramref name="zeroFraction"/> zeros.</summary>
    public static ProductSchedule Of(NmfOptions options, int batch, double zeroFraction)
    {
        int k = options.Components;
        return options.Prunes && options.TrialIterations is int trial
            ? new ProductSchedule(k * batch, trial, k * Math.Min(batch, options.RestartsKept), options.Iterations - trial, 1 - zeroFraction)
            : new ProductSchedule(k * batch, options.Iterations, k * batch, 0, 1 - zeroFraction);
    }

    /// <summary>Whether sparse storage is the faster for X that is counted (<paramref name="isCounts"/>: by this
    /// schedule's costs) or real-valued (by its zero fraction against <see cref="NmfOptions.SparseThreshold"/>).</summary>
    public bool PicksSparse(bool isCounts) => isCounts ? SparseWins : 1 - NonZeroFraction >= NmfOptions.SparseThreshold;

    /// <summary>The whole run's product cost with sparse storage (milliseconds on the paper's set, relative elsewhere).</summary>
    public double SparseCost => (TrialIterations * Sparse(TrialRows)) + (RestIterations * Sparse(RestRows));

    /// <summary>The same with uint16 storage.</summary>
    public double UInt16Cost => (TrialIterations * UInt16(TrialRows)) + (RestIterations * UInt16(RestRows));

    public bool SparseWins => SparseCost < UInt16Cost;

    public string Describe() => RestIterations == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{TrialRows} stacked rows: sparse costs {Sparse(TrialRows) / UInt16(TrialRows):F2}× uint16")
        : string.Create(CultureInfo.InvariantCulture, $"{TrialRows} stacked rows for {TrialIterations} iterations, then {RestRows} for {RestIterations}: sparse costs {SparseCost / UInt16Cost:F2}× uint16");

    private double Sparse(int rows) => (5.5 + (0.2 * rows)) * NonZeroFraction / MeasuredAt;

    private static double UInt16(int rows) => Math.Max(0.53 * rows, (0.877 * rows) - 3.2);
}
