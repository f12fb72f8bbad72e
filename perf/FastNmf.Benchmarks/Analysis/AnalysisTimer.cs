using System.Diagnostics;
using FastNmf.Analysis;
using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;
using FastNmf.Simulation;
using FastNmf.Storage;

namespace FastNmf.Benchmarks.Analysis;

/// <summary>
/// <c>-- analysis</c>: wall times of the analysis choices that were made by measurement. (1) PCA with K = 30 on the
/// simulated data set at 36×36, 58×58 and 128×128 scans (128×128 detector, N = 10⁴): the Gram route against randomised
/// subspace iteration; at 128×128 the 16384² Gram matrix is not formed — its time is estimated from one 64-row block
/// of it and the eigensolver time at 58×58 scaled by n³. (2) All pairwise diffraction similarities of k = 30 patterns
/// at n_φ = 360: scalar reference, direct vector sums, FFT. Median of several runs each.
/// </summary>
internal static class AnalysisTimer
{
    /// <summary><c>analysis [similarity|pca SCAN…|krylov SCAN [TOLERANCE,BLOCK]…]</c>: the first two parts by default;
    /// <c>pca 128</c> alone estimates the Gram route's eigensolver from a 3364² solve timed on the spot; <c>krylov</c>
    /// times the randomised PCA at each tolerance and block size given (e.g. <c>krylov 58 1e-4,16 1e-6,16</c>).</summary>
    public static void Run(string[] args)
    {
        if (args.Length == 0 || args[0] == "similarity")
        {
            Similarity();
        }

        if (args is ["krylov", ..])
        {
            Krylov(args[1..]);
            return;
        }

        if (args.Length == 0 || args[0] == "pca")
        {
            int[] scans = args.Length > 1 ? args[1..].Select(int.Parse).ToArray() : [36, 58, 128];
            double evd58 = 0;
            foreach (int scan in scans)
            {
                if (scan >= 128 && evd58 == 0)
                {
                    evd58 = EigenSolve(3364);
                }

                evd58 = Pca(scan, evd58);
            }
        }
    }

    private static void Similarity()
    {
        float[] w = RandomDiffractions.Make(30, 128);
        var polar = new PolarConstraintOptions();
        var makers = new List<Func<IPhiCorrelation>> { () => new PhiCorrelationScalar(), () => new PhiCorrelationDirect(), () => new PhiCorrelationFft() };
        if (PhiCorrelationDfti.TryCreate() is { } probe)
        {
            probe.Dispose();
            makers.Add(() => PhiCorrelationDfti.TryCreate()!);
        }
        else
        {
            Console.WriteLine($"MKL DFTI not timed: {DiffractionSimilarity.FftDescription}");
        }

        foreach (Func<IPhiCorrelation> make in makers)
        {
            string name = make().Name;
            int runs = name == nameof(PhiCorrelationScalar) ? 1 : 5;
            double ms = Median(runs, () =>
            {
                IPhiCorrelation impl = make();
                DiffractionSimilarity.Compute(w, 30, 128, 128, polar, null, DiffractionSimilarity.DefaultIsotropyThreshold, impl);
                (impl as IDisposable)?.Dispose();
            });
            Console.WriteLine($"diffraction similarity, k = 30, 128×128, n_φ = 360, {name}: {ms:F1} ms (all 435 pairs, polar transform included)");
        }
    }

    private static double Pca(int scan, double evd58)
    {
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = scan, ScanCols = scan, Seed = 1 });
        using UnfoldedData x = UnfoldedData.Create(data);
        data = null!;
        const int k = 30;
        int runs = scan >= 58 ? 1 : 3;
        PcaSpectrum? rand = null;
        double randMs = Median(runs, () => rand = Pca(x, k, PcaMethod.Randomized));
        Console.WriteLine($"PCA {scan}×{scan}×128×128, K = {k}: randomized {randMs:F0} ms ({rand!.Iterations} iterations, MSE_4 {rand.Mse[4]:F6}, MSE_30 {rand.Mse[30]:F6})");
        if (scan < 128)
        {
            PcaSpectrum? gram = null;
            double gramMs = Median(runs, () => gram = Pca(x, k, PcaMethod.Gram));
            double evd = EigenSolve(x.NXy);
            Console.WriteLine($"PCA {scan}×{scan}×128×128, K = {k}: Gram {gramMs:F0} ms (of which the {x.NXy}² eigensolver {evd:F0} ms; MSE_4 {gram!.Mse[4]:F6}, MSE_30 {gram.Mse[30]:F6})");
            return scan == 58 ? evd : evd58;
        }

        double block = GramBlock(x);
        double estimate = (block * x.NXy / 64.0) + (evd58 * Math.Pow(x.NXy / 3364.0, 3));
        Console.WriteLine($"PCA {scan}×{scan}×128×128, K = {k}: Gram not formed; estimate {estimate / 1000:F0} s (one 64-row block {block:F0} ms × {x.NXy / 64}, eigensolver ≈ 58×58's × ({x.NXy}/3364)³)");
        return evd58;
    }

    // krylov SCAN [TOLERANCE,BLOCK]…: the randomised method's time and MSE_K at each setting against the exact spectrum
    // (the Gram route), uint16 X as the CLI reads counts.
    private static void Krylov(string[] args)
    {
        int scan = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = scan, ScanCols = scan, Seed = 1 });
        using UnfoldedData x = UnfoldedData.CreateCounts(new FastNmf.IO.ArrayFrameSource(data));
        data = null!;
        const int k = 30;
        PcaSpectrum? exact = null;
        if (x.NXy <= 4096)
        {
            var c = Stopwatch.StartNew();
            exact = FastNmf.Analysis.Pca.Spectrum(x, k, new PcaOptions { Method = PcaMethod.Gram });
            Console.WriteLine($"{scan}×{scan}: Gram {c.ElapsedMilliseconds} ms, MSE_4 {exact.Mse[4]:G8}, MSE_30 {exact.Mse[30]:G8}");
        }

        foreach (string setting in args[1..])
        {
            string[] p = setting.Split(',');
            var o = new PcaOptions { Method = PcaMethod.Randomized, Tolerance = double.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), BlockSize = int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture) };
            var clock = Stopwatch.StartNew();
            PcaSpectrum s = FastNmf.Analysis.Pca.Spectrum(x, k, o);
            string vs = exact is null ? string.Empty : $" ({(s.Mse[30] / exact.Mse[30]) - 1:E2} from the exact MSE_30; λ_30 {(s.Eigenvalues[29] / exact.Eigenvalues[29]) - 1:E2})";
            Console.WriteLine($"  tolerance {o.Tolerance:G2}, block {o.BlockSize}: {clock.ElapsedMilliseconds} ms, {s.Iterations} steps, MSE_30 {s.Mse[30]:G8}{vs}");
        }
    }

    private static PcaSpectrum Pca(UnfoldedData x, int k, PcaMethod method) => FastNmf.Analysis.Pca.Spectrum(x, k, new PcaOptions { Method = method });

    private static double EigenSolve(int n)
    {
        var rng = new Random(1);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                a[(i * n) + j] = a[(j * n) + i] = rng.NextDouble();
            }
        }

        var clock = Stopwatch.StartNew();
        FastNmf.Numerics.SymmetricEigenvalues.Largest(a, n, 30);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double GramBlock(UnfoldedData x)
    {
        KernelSet kernels = KernelSet.CreateDefault();
        using var team = new WorkerTeam(Environment.ProcessorCount);
        using var xop = new DenseXOperand(x.Frames, kernels.Products, team, FoldLayout.Of(x), 64);
        long stride = (x.NXy + 15L) & ~15L;
        using var rows = new AlignedBuffer<float>(64 * stride, "block");
        return Median(3, () => xop.MultiplyWX(x.Frames.RowSlice(0, 64), MatrixView.Over(rows, 64, x.NXy, stride)));
    }

    private static double Median(int runs, Action action)
    {
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times[runs / 2];
    }
}
