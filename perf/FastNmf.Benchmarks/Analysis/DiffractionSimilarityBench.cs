using BenchmarkDotNet.Attributes;
using FastNmf.Analysis;
using FastNmf.Constraints;

namespace FastNmf.Benchmarks.Analysis;

/// <summary>
/// All pairwise diffraction similarities of k = 30 random spot patterns on a 128×128 detector at n_φ = 360: the φ
/// correlation by FFT (FftSharp's Bluestein) against the direct O(n_r·n_φ²) sum with vector dot products (the polar
/// transform, the same for both, is included: it is what a caller pays).
/// </summary>
public class DiffractionSimilarityBench
{
    private float[] _w = [];

    [Params("PhiCorrelationDirect", "PhiCorrelationFft", "PhiCorrelationDfti")]
    public string Correlation { get; set; } = "";

    [Params(30)]
    public int K { get; set; }

    [GlobalSetup]
    public void Setup() => _w = RandomDiffractions.Make(K, 128);

    [Benchmark]
    public double AllPairs()
    {
        // Where MKL is absent the DFTI case measures FftSharp, as the library would use it there.
        IPhiCorrelation impl = Correlation switch
        {
            nameof(PhiCorrelationFft) => new PhiCorrelationFft(),
            nameof(PhiCorrelationDfti) => (IPhiCorrelation?)PhiCorrelationDfti.TryCreate() ?? new PhiCorrelationFft(),
            _ => new PhiCorrelationDirect(),
        };
        try
        {
            DiffractionSimilarityResult r = DiffractionSimilarity.Compute(_w, K, 128, 128, new PolarConstraintOptions(), null, DiffractionSimilarity.DefaultIsotropyThreshold, impl);
            return r.Similarity[0, 1];
        }
        finally
        {
            (impl as IDisposable)?.Dispose();
        }
    }
}
