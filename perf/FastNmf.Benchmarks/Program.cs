using BenchmarkDotNet.Running;

namespace FastNmf.Benchmarks;

/// <summary>
/// BenchmarkDotNet entry point: <c>dotnet run -c Release --project perf/FastNmf.Benchmarks -- --filter '*'</c>;
/// <c>-- phases</c> prints a per-phase timing of one iteration instead (a profiling aid).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["phases"])
        {
            PhaseTimer.Run();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
