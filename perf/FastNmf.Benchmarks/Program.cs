using BenchmarkDotNet.Running;

namespace FastNmf.Benchmarks;

/// <summary>
/// BenchmarkDotNet entry point: <c>dotnet run -c Release --project perf/FastNmf.Benchmarks -- --filter '*'</c>;
/// <c>-- phases</c> prints a per-phase timing of one iteration instead (a profiling aid), <c>-- roofline</c> the read
/// bandwidth against one pass over X.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        switch (args)
        {
            case ["phases"]:
                PhaseTimer.Run();
                return;
            case ["roofline"]:
                Roofline.Run();
                return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
