using FastNmf.Blas;

namespace FastNmf.Analysis;

/// <summary>Which φ-correlation the diffraction similarity uses: MKL's DFTI where MKL is present (the choice of
/// a maintained FFT), otherwise FftSharp (<see cref="PhiCorrelationFft"/>).</summary>
internal static class PhiCorrelations
{
    /// <summary>The default implementation for this process (dispose it if it is <see cref="IDisposable"/>).</summary>
    public static IPhiCorrelation Create() => (IPhiCorrelation?)PhiCorrelationDfti.TryCreate() ?? new PhiCorrelationFft();

    /// <summary>What <see cref="Create"/> uses here, and why, for <c>fastnmf backends</c>.</summary>
    public static string Describe() =>
        MklDfti.Describe(out string why) is { } mkl ? mkl : $"FftSharp (managed Bluestein FFT; MKL DFTI not used: {why})";
}
