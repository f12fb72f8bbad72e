using System.Diagnostics;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Storage;
using FastNmf.Kernels;
using FastNmf.Kernels.Sparse;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;
using FastNmf.Simulation;

namespace FastNmf.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project perf/FastNmf.Benchmarks -- phases</c>: times each phase of one batched iteration
/// on the paper's data set (a profiling aid for choosing what to optimise; benchmark numbers come from BenchmarkDotNet).
/// </summary>
internal static unsafe class PhaseTimer
{
    /// <param name="args">Optional <c>--rows 4,40</c> (stacked components to time), <c>--scan 36</c> (scan rows and
    /// columns of the simulated set), <c>--det 128</c> (detector rows and columns), <c>--sparse-only</c> (time only the sparse products).</param>
    public static void Run(string[] args)
    {
        int scan = int.Parse(Option(args, "--scan") ?? "36", System.Globalization.CultureInfo.InvariantCulture);
        int det = int.Parse(Option(args, "--det") ?? "128", System.Globalization.CultureInfo.InvariantCulture);
        int[] stacked = (Option(args, "--rows") ?? "4,40").Split(',').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        bool quick = args.Contains("--sparse-only");
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { Seed = 1, ScanRows = scan, ScanCols = scan, DetRows = det, DetCols = det });
        using UnfoldedData x = UnfoldedData.Create(data);
        KernelSet kernels = KernelSet.CreateDefault();
        using var team = new WorkerTeam(Environment.ProcessorCount);
        foreach (int rows in stacked)
        {
            using IXOperand sparse = SparseXOperand.Create(x, kernels.SparseWidth, team, FoldLayout.Of(x), rows);
            using var sparseHx = new FoldedHX(sparse, rows);
            using var dense = new DenseXOperand(x.Frames, KernelSet.Create(null, KernelBackend.Managed).Products, team, FoldLayout.Of(x), rows);
            using var denseHx = new FoldedHX(dense, rows);
            using var denseTp = new DenseXOperand(x.Frames, new FastNmf.Kernels.Gemm.FactorProductsTensorPrimitives(), team, FoldLayout.Of(x), rows);
            using var denseTpHx = new FoldedHX(denseTp, rows);
            using var uint16 = new UInt16XOperand(UInt16Frames.CopyOf(x.Frames), kernels.DenseWidth, team, FoldLayout.Of(x), rows);
            using var uint16Hx = new FoldedHX(uint16, rows);
            using var h = new AlignedBuffer<float>((long)rows * x.NXy, "H");
            using var w = new AlignedBuffer<float>(rows * x.Stride, "W");
            using var a = new AlignedBuffer<float>(rows * x.Stride, "A");
            var rng = new Random(1);
            for (long i = 0; i < h.Length; i++)
            {
                h.Pointer[i] = (float)rng.NextDouble();
            }

            for (long i = 0; i < w.Length; i++)
            {
                w.Pointer[i] = (float)rng.NextDouble();
            }

            var hv = MatrixView.Over(h, rows, x.NXy, x.NXy);
            var wv = MatrixView.Over(w, rows, x.NUv, x.Stride);
            var av = MatrixView.Over(a, rows, x.NUv, x.Stride);
            Console.WriteLine($"K = {rows}: {sparse.Description}");
            Time("  sparse H·X", () => sparseHx.Multiply(hv, av));
            Time("  sparse W·Xᵀ", () => sparse.MultiplyWX(wv, hv));
            // As in an iteration: the two products alternate, so neither finds its copy of X still in cache.
            Time("  sparse H·X + W·Xᵀ alternating", () =>
            {
                sparseHx.Multiply(hv, av);
                sparse.MultiplyWX(wv, hv);
            });
            if (quick)
            {
                continue;
            }

            Time("  managed H·X", () => denseHx.Multiply(hv, av));
            Time("  managed W·Xᵀ", () => dense.MultiplyWX(wv, hv));
            Time("  TensorPrimitives H·X", () => denseTpHx.Multiply(hv, av));
            Time("  TensorPrimitives W·Xᵀ", () => denseTp.MultiplyWX(wv, hv));
            Time("  uint16 H·X", () => uint16Hx.Multiply(hv, av));
            Time("  uint16 W·Xᵀ", () => uint16.MultiplyWX(wv, hv));
            foreach (KernelBackend backend in new[] { KernelBackend.OpenBlas, KernelBackend.Mkl })
            {
                KernelSet set;
                try
                {
                    set = KernelSet.Create(null, backend);
                }
                catch (InvalidOperationException e)
                {
                    Console.WriteLine($"  {backend}: {e.Message}");
                    continue;
                }

                ((FastNmf.Kernels.Gemm.FactorProductsBlas)set.Products).Library.SetThreads(Environment.ProcessorCount);
                using var blas = new DenseXOperand(x.Frames, set.Products, team, FoldLayout.Of(x), rows);
                using var blasHx = new FoldedHX(blas, rows);
                Time($"  {backend,-8} H·X", () => blasHx.Multiply(hv, av));
                Time($"  {backend,-8} W·Xᵀ", () => blas.MultiplyWX(wv, hv));
            }
        }

        var fill = DarkSpotFill.Create(x.DetRows, x.DetCols, [], new PolarConstraintOptions(), kernels.Polar);
        var image = new float[x.NUv];
        var polar = new float[fill.Map.Radii * fill.Map.PhiSamples];
        float[] lo = Enumerable.Repeat(0.5f, fill.Map.Radii + 1).ToArray();
        Time("  polar gather only", () => kernels.Polar.Gather(image, fill.Map, polar));
        Time("  raise only", () => kernels.Polar.Raise(image, fill.Map, lo, lo, 5e-7f));
        var baselines = new double[fill.Map.Radii];
        Time("  ring baselines only", () => kernels.Polar.RingBaselines(polar, fill.Map, 2.0, baselines));
        Time("dark-spot fill, one diffraction", () =>
        {
            image.AsSpan().Fill(1f);
            fill.Apply(image);
        });
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    // Mean and minimum over one second of repetitions: the minimum is the robust figure on a machine shared with others.
    private static void Time(string what, Action action)
    {
        for (int i = 0; i < 3; i++)
        {
            action();
        }

        int n = 0;
        double best = double.MaxValue;
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 1000)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            n++;
        }

        Console.WriteLine($"{what,-34} {clock.Elapsed.TotalMilliseconds / n,8:F3} ms (min {best:F3})");
    }
}
