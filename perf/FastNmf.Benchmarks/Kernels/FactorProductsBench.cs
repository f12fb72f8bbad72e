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

    public static IEnumerable<string> Implementations => AllProducts().Select(p => p.Name);

    [GlobalSetup]
    public void Setup()
    {
        _products = AllProducts().Single(p => p.Name == Implementation);
        if (_products is FactorProductsBlas blas)
        {
            // One thread, like the managed kernels measured here: this class compares kernels, not threading.
            blas.Library.SetThreads(1);
        }
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

    // The managed implementations plus every native BLAS this machine loads.
    private static IEnumerable<IFactorProducts> AllProducts()
    {
        foreach (IFactorProducts p in FastNmf.Kernels.KernelSet.AvailableProducts)
        {
            yield return p;
        }

        foreach (KernelBackend backend in new[] { KernelBackend.OpenBlas, KernelBackend.Mkl })
        {
            if (FastNmf.Blas.NativeBlas.TryGet(backend, out _) is not null)
            {
                yield return FastNmf.Kernels.KernelSet.Create(null, backend).Products;
            }
        }
    }

    private static AlignedBuffer<float> Fill(AlignedBuffer<float> b, Random rng)
    {
        for (long i = 0; i < b.Length; i++)
        {
            b.Pointer[i] = (float)rng.NextDouble();
        }

        return b;
    }
}
