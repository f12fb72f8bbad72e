using System.Diagnostics;
using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;
using FastNmf.Simulation;
using FastNmf.Storage;

namespace FastNmf.Benchmarks;

/// <summary>
/// <c>-- scaling</c>: time per restart-iteration (constrained, k = 4, one restart, default backend and storage) on the
/// simulated data set at four sizes up to 128×128×128×128, and the exponent of a least-squares fit of log(time) against
/// log(n_xy·n_uv). <c>-- k30</c>: k = 30 on dense data at 58×58×128×128: one constrained iteration against the best
/// BLAS's two GEMMs at that shape. Per-iteration times are differences of two run lengths, so one-off setup (unfolding,
/// building the sparse copy) cancels.
/// </summary>
internal static unsafe class Scaling
{
    public static void RunScaling()
    {
        (int Scan, int Det)[] sizes = [(32, 64), (64, 64), (64, 128), (128, 128)];
        var xs = new List<double>();
        var ys = new List<double>();
        foreach ((int scan, int det) in sizes)
        {
            (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = scan, ScanCols = scan, DetRows = det, DetCols = det, Seed = 1, Dose = 0.6 * det * det });
            using UnfoldedData x = UnfoldedData.Create(data);
            data = null!;
            double ms = PerIteration(x, new NmfOptions { Components = 4, Restarts = 1 });
            double size = (double)x.NXy * x.NUv;
            xs.Add(Math.Log(size));
            ys.Add(Math.Log(ms));
            Console.WriteLine($"{scan}×{scan}×{det}×{det}: n_xy·n_uv = {size:E2}, {ms:F2} ms per restart-iteration ({Factorizer.ChooseStorage(x, 4).ToString().ToLowerInvariant()})");
        }

        double mx = xs.Average(), my = ys.Average();
        double slope = xs.Zip(ys, (a, b) => (a - mx) * (b - my)).Sum() / xs.Sum(a => (a - mx) * (a - mx));
        Console.WriteLine($"fitted exponent of time per iteration in n_xy·n_uv: {slope:F3}");
    }

    public static void RunK30()
    {
        const int scan = 58, det = 128, k = 30;
        var rng = new Random(1);
        var values = new float[scan * scan * det * det];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(rng.NextDouble() * 4);
        }

        using UnfoldedData x = UnfoldedData.Create(new Dataset4D(values, scan, scan, det, det));
        values = null!;
        Console.WriteLine($"k = 30, dense random data {scan}×{scan}×{det}×{det}");
        using var team = new WorkerTeam(Environment.ProcessorCount);
        using var w = new AlignedBuffer<float>(k * x.Stride, "W");
        using var h = new AlignedBuffer<float>((long)k * x.NXy, "H");
        using var a = new AlignedBuffer<float>(k * x.Stride, "A");
        w.AsSpan().Fill(1e-4f);
        h.AsSpan().Fill(1f);
        var wv = MatrixView.Over(w, k, x.NUv, x.Stride);
        var hv = MatrixView.Over(h, k, x.NXy, x.NXy);
        var av = MatrixView.Over(a, k, x.NUv, x.Stride);
        double bestBlas = double.MaxValue;
        foreach (KernelBackend backend in new[] { KernelBackend.OpenBlas, KernelBackend.Mkl, KernelBackend.Managed })
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

            if (set.Products is FastNmf.Kernels.Gemm.FactorProductsBlas blas)
            {
                blas.Library.SetThreads(Environment.ProcessorCount);
            }

            using var op = new DenseXOperand(x.Frames, set.Products, team, FoldLayout.Of(x), k);
            using var opHx = new FoldedHX(op, k);
            double products = Best(() =>
            {
                opHx.Multiply(hv, av);
                op.MultiplyWX(wv, hv);
            });
            Console.WriteLine($"  {backend,-8} H·X + W·Xᵀ: {products:F2} ms ({set.Products.Name})");
            if (backend != KernelBackend.Managed)
            {
                bestBlas = Math.Min(bestBlas, products);
            }
        }

        double iteration = PerIteration(x, new NmfOptions { Components = k, Restarts = 1, Storage = XStorage.Dense });
        Console.WriteLine($"one constrained iteration (auto backend, {KernelSet.Create(null).Describe()}): {iteration:F2} ms; best BLAS's two GEMMs {bestBlas:F2} ms; ratio {iteration / bestBlas:F2}");
    }

    // (time of a long run − time of a short run) / (difference in iterations): setup cancels.
    private static double PerIteration(UnfoldedData x, NmfOptions options)
    {
        const int shortRun = 3, longRun = 13;
        double Run(int iterations)
        {
            double best = double.MaxValue;
            for (int i = 0; i < 2; i++)
            {
                var clock = Stopwatch.StartNew();
                Factorizer.Run(x, options with { Iterations = iterations });
                best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
            }

            return best;
        }

        return (Run(longRun) - Run(shortRun)) / (longRun - shortRun);
    }

    private static double Best(Action action)
    {
        action();
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }

        return best;
    }
}
