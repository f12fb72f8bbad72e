using BenchmarkDotNet.Attributes;
using FastNmf.Kernels.Gemm;
using FastNmf.Memory;

namespace FastNmf.Benchmarks.Kernels;

/// <summary>
/// The two passes over X at the paper's shapes (n_uv = 128·128, n_xy = 36·36 and 58·58; k = 4 and 30), single-threaded,
/// every implementation in the registry. Bytes of X per call = n_xy · n_uv · 4.
/// </summary>
public unsafe class FactorProductsBench
{
    private AlignedBuffer<float> _x = null!;
    private AlignedBuffer<float> _h = null!;
    private AlignedBuffer<float> _w = null!;
    private AlignedBuffer<float> _acc = null!;
    private AlignedBuffer<float> _dst = null!;
    private IFactorProducts _products = null!;
    private const int NUv = 128 * 128;

    [ParamsSource(nameof(Implementations))]
    public string Implementation { get; set; } = "";

    [Params(36 * 36, 58 * 58)]
    public int NXy { get; set; }

    [Params(4, 30)]
    public int K { get; set; }

    public static IEnumerable<string> Implementations => FastNmf.Kernels.KernelSet.AvailableProducts.Select(p => p.Name);

    [GlobalSetup]
    public void Setup()
    {
        _products = FastNmf.Kernels.KernelSet.AvailableProducts.Single(p => p.Name == Implementation);
        var rng = new Random(1);
        _x = Fill(new AlignedBuffer<float>((long)NXy * NUv, "X"), rng);
        _h = Fill(new AlignedBuffer<float>((long)K * NXy, "H"), rng);
        _w = Fill(new AlignedBuffer<float>((long)K * NUv, "W"), rng);
        _acc = new AlignedBuffer<float>((long)K * NUv, "acc");
        _dst = new AlignedBuffer<float>((long)K * NXy, "dst");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _x.Dispose();
        _h.Dispose();
        _w.Dispose();
        _acc.Dispose();
        _dst.Dispose();
    }

    [Benchmark]
    public void AccumulateHX() => _products.AccumulateHX(
        MatrixView.Over(_h, K, NXy, NXy), MatrixView.Over(_x, NXy, NUv, NUv), MatrixView.Over(_acc, K, NUv, NUv));

    [Benchmark]
    public void ProjectWX() => _products.ProjectWX(
        MatrixView.Over(_w, K, NUv, NUv), MatrixView.Over(_x, NXy, NUv, NUv), MatrixView.Over(_dst, K, NXy, NXy));

    private static AlignedBuffer<float> Fill(AlignedBuffer<float> b, Random rng)
    {
        for (long i = 0; i < b.Length; i++)
        {
            b.Pointer[i] = (float)rng.NextDouble();
        }

        return b;
    }
}
