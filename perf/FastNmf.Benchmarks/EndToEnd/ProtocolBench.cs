using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using FastNmf.Data;
using FastNmf.Simulation;

namespace FastNmf.Benchmarks.EndToEnd;

/// <summary>The paper's whole protocol (constrained, k = 4, 500 iterations × 10 restarts) on its simulated data set,
/// with the default backend and storage; a few cold runs (each takes seconds).</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class ProtocolBench
{
    private UnfoldedData _x = null!;

    [GlobalSetup]
    public void Setup()
    {
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { Seed = 1 });
        _x = UnfoldedData.Create(data);
    }

    [GlobalCleanup]
    public void Cleanup() => _x.Dispose();

    [Benchmark]
    public double PaperProtocol() => Factorizer.Run(_x, new NmfOptions { Components = 4 }).Mse;
}
