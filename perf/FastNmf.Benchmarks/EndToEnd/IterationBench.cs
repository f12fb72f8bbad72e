using BenchmarkDotNet.Attributes;
using FastNmf.Data;
using FastNmf.Simulation;

namespace FastNmf.Benchmarks.EndToEnd;

/// <summary>
/// Time of one restart-iteration on the paper's simulated data set (36×36×128×128), per method: a run of
/// <see cref="Iterations"/> iterations divided by that count is the per-iteration cost (setup is outside the
/// measurement). MemoryDiagnoser shows the allocations of a whole run (result arrays only, none per iteration).
/// </summary>
[MemoryDiagnoser]
public class IterationBench
{
    private const int Iterations = 20;
    private UnfoldedData _x = null!;

    [Params(NmfMethod.Constrained, NmfMethod.Als, NmfMethod.Mu)]
    public NmfMethod Method { get; set; }

    [Params(4)]
    public int Components { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { Seed = 1 });
        _x = UnfoldedData.Create(data);
    }

    [GlobalCleanup]
    public void Cleanup() => _x.Dispose();

    [Benchmark(OperationsPerInvoke = Iterations)]
    public double RestartIteration() =>
        Factorizer.Run(_x, new NmfOptions { Components = Components, Method = Method, Iterations = Iterations, Restarts = 1 }).Mse;
}
