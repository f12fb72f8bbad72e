using BenchmarkDotNet.Attributes;
using FastNmf.Data;
using FastNmf.Simulation;

namespace FastNmf.Benchmarks.EndToEnd;

/// <summary>
/// One restart-iteration of the constrained protocol on the paper's simulated data set (36×36×128×128, k = 4), per
/// backend and storage, with the ten restarts advancing together (the default): a run of <see cref="Iterations"/>
/// iterations × 10 restarts, reported per restart-iteration. Setup (simulation, unfolding) is outside the measurement;
/// building the sparse copy of X is inside (it is part of every run). MemoryDiagnoser shows the whole run's allocation
/// (result arrays and per-run setup; nothing per iteration).
/// </summary>
[MemoryDiagnoser]
public class IterationBench
{
    private const int Iterations = 10;
    private const int Restarts = 10;
    private UnfoldedData _x = null!;

    [Params(KernelBackend.Managed, KernelBackend.OpenBlas, KernelBackend.Mkl)]
    public KernelBackend Backend { get; set; }

    [Params(XStorage.Dense, XStorage.DenseUInt16, XStorage.Sparse)]
    public XStorage Storage { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { Seed = 1 });
        _x = UnfoldedData.Create(data);
    }

    [GlobalCleanup]
    public void Cleanup() => _x.Dispose();

    [Benchmark(OperationsPerInvoke = Iterations * Restarts)]
    public double RestartIteration() =>
        Factorizer.Run(_x, new NmfOptions { Components = 4, Iterations = Iterations, Restarts = Restarts, Backend = Backend, Storage = Storage }).Mse;
}
