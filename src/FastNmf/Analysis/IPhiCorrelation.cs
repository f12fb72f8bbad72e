namespace FastNmf.Analysis;

/// <summary>
/// Circular cross-correlation of two r–φ images along φ only (radial shift 0, Eqs. 10–11), summed over radii:
/// <c>c[Δ] = Σ_r Σ_φ a_i(r, φ)·a_j(r, (φ + Δ) mod n_φ)</c> for Δ = 0..n_φ−1. <see cref="Prepare"/> is called once per set
/// of images; afterwards <see cref="Correlate"/> may run for several pairs at once from different threads.
/// Implementations agree to float rounding (the scalar one sums in double).
/// </summary>
internal interface IPhiCorrelation
{
    string Name { get; }

    void Prepare(PolarImages images);

    void Correlate(int i, int j, Span<double> c);
}
