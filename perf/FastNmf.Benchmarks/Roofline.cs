using System.Diagnostics;
using System.Runtime.Intrinsics;
using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Kernels.Dense;
using FastNmf.Kernels.Gemm;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;
using FastNmf.Simulation;
using FastNmf.Storage;

namespace FastNmf.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project perf/FastNmf.Benchmarks -- roofline</c>: the machine's read bandwidth (a plain
/// vector sum over 1 GiB on all cores) against one unbatched pass over the paper's X (k = 4), dense float32 and sparse,
/// measured in the same process. The sparse pass is reported as the dense-equivalent rate (bytes of float32 X per
/// second), which is what it replaces.
/// </summary>
internal static unsafe class Roofline
{
    public static void Run()
    {
        int threads = Environment.ProcessorCount;
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { Seed = 1 });
        using UnfoldedData x = UnfoldedData.Create(data);
        double dramGbs = ReadBandwidth(threads, 1L << 28);

        // The reference the passes are held to: the same loop over a buffer as large as X, read repeatedly like X is,
        // so both see the same share of L3 (X is 85 MB, L3 32 MB here).
        double readGbs = ReadBandwidth(threads, ((long)x.NXy * x.Stride + 63) & ~63L);
        using var team = new WorkerTeam(threads);
        double bytes = 4.0 * x.NUv * x.NXy;
        using var dense = new DenseXOperand(x.Frames, KernelSet.Create(null, KernelBackend.Managed).Products, team, FoldLayout.Of(x), 4);
        using var denseHx = new FoldedHX(dense, 4);
        using var denseTp = new DenseXOperand(x.Frames, new FactorProductsTensorPrimitives(), team, FoldLayout.Of(x), 4);
        using var uint16 = new UInt16XOperand(UInt16Frames.CopyOf(x.Frames), KernelSet.CreateDefault().DenseWidth, team, FoldLayout.Of(x), 4);
        using var uint16Hx = new FoldedHX(uint16, 4);
        using IXOperand sparse = SparseXOperand.Create(x, KernelSet.CreateDefault().SparseWidth, team, FoldLayout.Of(x), 4);
        using var w = new AlignedBuffer<float>(4 * x.Stride, "W");
        using var h = new AlignedBuffer<float>(4L * x.NXy, "H");
        w.AsSpan().Fill(1f);
        var wv = MatrixView.Over(w, 4, x.NUv, x.Stride);
        var hv = MatrixView.Over(h, 4, x.NXy, x.NXy);
        double denseMs = Time(() => dense.MultiplyWX(wv, hv));
        double denseTpMs = Time(() => denseTp.MultiplyWX(wv, hv));
        double uint16Ms = Time(() => uint16.MultiplyWX(wv, hv));
        double sparseMs = Time(() => sparse.MultiplyWX(wv, hv));
        double denseHxMs = Time(() => denseHx.Multiply(hv, wv));
        double uint16HxMs = Time(() => uint16Hx.Multiply(hv, wv));
        Console.WriteLine($"read bandwidth (vector sum, {threads} threads): {readGbs:F1} GB/s over a buffer the size of X ({bytes / 1e6:F0} MB), {dramGbs:F1} GB/s over 1 GiB");
        Console.WriteLine($"pass over float32 X (W·Xᵀ, k = 4, managed dense): {denseMs:F2} ms = {bytes / denseMs / 1e6:F1} GB/s = {100 * bytes / denseMs / 1e6 / readGbs:F0} % of read bandwidth");
        Console.WriteLine($"pass over float32 X (W·Xᵀ, k = 4, TensorPrimitives): {denseTpMs:F2} ms = {bytes / denseTpMs / 1e6:F1} GB/s = {100 * bytes / denseTpMs / 1e6 / readGbs:F0} % of read bandwidth");
        Console.WriteLine($"pass over uint16 X (W·Xᵀ, k = 4, {uint16.Description}): {uint16Ms:F2} ms = {bytes / 2 / uint16Ms / 1e6:F1} GB/s of uint16 = {100 * bytes / 2 / uint16Ms / 1e6 / readGbs:F0} % of read bandwidth; {denseMs / uint16Ms:F2}× the float32 pass");
        Console.WriteLine($"H·X pass (k = 4): float32 {denseHxMs:F2} ms = {bytes / denseHxMs / 1e6:F1} GB/s, uint16 {uint16HxMs:F2} ms ({denseHxMs / uint16HxMs:F2}× faster)");
        Console.WriteLine($"pass over sparse X (W·Xᵀ, k = 4, {sparse.Description}): {sparseMs:F2} ms = {bytes / sparseMs / 1e6:F1} GB/s dense-equivalent = {100 * bytes / sparseMs / 1e6 / readGbs:F0} % of read bandwidth");
    }

    private static double ReadBandwidth(int threads, long length)
    {
        using var buffer = new AlignedBuffer<float>(length, "bandwidth probe");
        buffer.AsSpan(0, (int)Math.Min(length, int.MaxValue)).Fill(1f);
        float* p = buffer.Pointer;
        double best = 0;
        for (int round = 0; round < 20; round++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, t =>
            {
                long begin = length * t / threads;
                long end = length * (t + 1) / threads;
                Vector256<float> s0 = Vector256<float>.Zero, s1 = Vector256<float>.Zero, s2 = Vector256<float>.Zero, s3 = Vector256<float>.Zero;
                for (long i = begin; i < end; i += 32)
                {
                    s0 += Vector256.Load(p + i);
                    s1 += Vector256.Load(p + i + 8);
                    s2 += Vector256.Load(p + i + 16);
                    s3 += Vector256.Load(p + i + 24);
                }

                GC.KeepAlive(s0 + s1 + s2 + s3);
            });
            best = Math.Max(best, length * 4.0 / clock.Elapsed.TotalSeconds / 1e9);
        }

        return best;
    }

    private static double Time(Action action)
    {
        for (int i = 0; i < 3; i++)
        {
            action();
        }

        double best = double.MaxValue;
        for (int i = 0; i < 20; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }

        return best;
    }
}
