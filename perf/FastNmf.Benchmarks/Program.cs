using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Running;

namespace FastNmf.Benchmarks;

/// <summary>
/// BenchmarkDotNet entry point: <c>dotnet run -c Release --project perf/FastNmf.Benchmarks -- --filter '*'</c>;
/// <c>-- phases [--rows 4,40] [--scan 36] [--det 128] [--sparse-only]</c> prints a per-phase timing of one iteration instead (a profiling aid), <c>-- roofline</c> the read
/// bandwidth against one pass over X, <c>-- read FILE</c> a reader's throughput, <c>-- project</c> frames/s of projection onto a model, <c>-- live</c> live mode end to end over loopback, <c>-- live-learn</c> where a learning scan's time goes, <c>-- storage</c> how fast the sparse copies of X are built, <c>-- recovery</c> a many-component set's recovery and restart stability, <c>-- fast</c> the fast-mode levers against the exact protocol, <c>-- compare BASE NEW [--threshold 10]</c> two JSON exports (see <see cref="BenchmarkComparer"/>).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        switch (args)
        {
            case ["phases", ..]:
                PhaseTimer.Run(args[1..]);
                return;
            case ["team"]:
                TeamLatency.Run();
                return;
            case ["roofline"]:
                Roofline.Run();
                return;
            case ["scaling"]:
                Scaling.RunScaling();
                return;
            case ["k30"]:
                Scaling.RunK30();
                return;
            case ["analysis", ..]:
                Analysis.AnalysisTimer.Run(args[1..]);
                return;
            case ["read", ..]:
                ReadThroughput.Run(args[1..]);
                return;
            case ["project", ..]:
                Model.ProjectionThroughput.Run(args[1..]);
                return;
            case ["storage", ..]:
                StorageBuild.Run(args[1..]);
                return;
            case ["live-learn", ..]:
                Live.LearnPhases.Run(args[1..]);
                return;
            case ["live", ..]:
                Live.LiveThroughput.Run(args[1..]);
                return;
            case ["recovery", ..]:
                Recovery.RecoveryRun.Run(args[1..]);
                return;
            case ["fast", ..]:
                Recovery.FastModeComparison.Run(args[1..]);
                return;
            case ["compare", ..]:
                Environment.Exit(BenchmarkComparer.Run(args[1..], Console.Out));
                return;
        }

        // Full JSON export on by default: that is what `compare` reads.
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.AddExporter(JsonExporter.Full));
    }
}
