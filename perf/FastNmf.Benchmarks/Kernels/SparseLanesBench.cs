using BenchmarkDotNet.Attributes;
using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.Lanes;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;
using FastNmf.Simulation;
using FastNmf.Storage;

namespace FastNmf.Benchmarks.Kernels;

/// <summary>
/// The sparse products (both, as one iteration needs them) on the paper's counted data (36×36×128×128, 37 % nonzero),
/// for one restart (K = 4) and ten batched (K = 40), at every lane width this machine runs, on all cores.
/// </summary>
public unsafe class SparseLanesBench
{
    private UnfoldedData _x = null!;
    private WorkerTeam _team = null!;
    private IXOperand _op = null!;
    private FoldedHX _hx = null!;
    private AlignedBuffer<float> _w = null!, _h = null!, _a = null!;

    [ParamsSource(nameof(Widths))]
    public string Width { get; set; } = "";

    [Params(4, 40)]
    public int K { get; set; }

    public static IEnumerable<string> Widths => KernelSet.AvailableLaneWidths.Select(w => w.ToString());

    [GlobalSetup]
    public void Setup()
    {
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { Seed = 1 });
        _x = UnfoldedData.Create(data);
        _team = new WorkerTeam(Environment.ProcessorCount);
        _op = SparseXOperand.Create(_x, Enum.Parse<LaneWidth>(Width), _team, FoldLayout.Of(_x), K);
        _hx = new FoldedHX(_op, K);
        _w = new AlignedBuffer<float>(K * _x.Stride, "W");
        _h = new AlignedBuffer<float>((long)K * _x.NXy, "H");
        _a = new AlignedBuffer<float>(K * _x.Stride, "A");
        _w.AsSpan().Fill(1e-4f);
        _h.AsSpan().Fill(3f);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _hx.Dispose();
        _op.Dispose();
        _team.Dispose();
        _w.Dispose();
        _h.Dispose();
        _a.Dispose();
        _x.Dispose();
    }

    [Benchmark]
    public void BothProducts()
    {
        _hx.Multiply(MatrixView.Over(_h, K, _x.NXy, _x.NXy), MatrixView.Over(_a, K, _x.NUv, _x.Stride));
        _op.MultiplyWX(MatrixView.Over(_w, K, _x.NUv, _x.Stride), MatrixView.Over(_h, K, _x.NXy, _x.NXy));
    }
}
