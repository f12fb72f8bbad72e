using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using FastNmf.Data;
using FastNmf.Kernels;
using FastNmf.Native.Abi;
using FastNmf.Simulation;

namespace FastNmf.Benchmarks.Interop;

/// <summary>
/// One factorization call on the paper's data set (36×36×128×128 float32 in memory, k = 4), through the managed API
/// and through the C ABI (libfastnmf.so, NativeAOT), timed in the same process: unfolding X from the in-memory data is
/// inside every call (the C ABI has no other way in), the simulation is not. <see cref="ManagedVector256"/> runs the
/// JIT with the lane width the AOT library is compiled for (x86-64-v3: AVX2), so CApi / ManagedVector256 is the cost
/// of the ABI route itself and CApi / Managed what a C host gets against a .NET host on this processor.
/// The library comes from <c>FASTNMF_LIBRARY</c>, else <c>build/native/publish/libfastnmf.so</c> (what
/// <c>cmake --build build</c> publishes).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MinColumn]
[MaxColumn]
public unsafe class CApiOverheadBench
{
    private float[] _data = null!;
    private nint _library;
    private nint _handle;
    private NativeExports _api;

    /// <summary>Iterations × restarts: a short call and the paper's protocol.</summary>
    [Params("50x1", "500x10")]
    public string Protocol { get; set; } = "50x1";

    private (int Iterations, int Restarts) Shape => Protocol == "50x1" ? (50, 1) : (500, 10);

    [GlobalSetup]
    public void Setup()
    {
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { Seed = 1 });
        _data = data.Data;
        _library = NativeLibrary.Load(LibraryPath());
        _api = new NativeExports(_library);
        NativeParams p = default;
        Check(_api.ParamsInit(&p, (uint)sizeof(NativeParams)));
        (p.Iterations, p.Restarts) = Shape;
        p.Components = 4;
        nint handle;
        Check(_api.Create(&p, &handle));
        _handle = handle;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _api.Destroy(_handle);
        // The NativeAOT runtime inside cannot be unloaded: the library stays mapped until the process ends.
    }

    [Benchmark(Baseline = true)]
    public double Managed() => RunManaged(KernelSet.Create(null));

    [Benchmark]
    public double ManagedVector256() => RunManaged(KernelSet.Create("SparseLanesVector256"));

    [Benchmark]
    public double CApi()
    {
        NativeLayout layout = default;
        Check(_api.LayoutInit(&layout, (uint)sizeof(NativeLayout), 36, 36, 128, 128));
        fixed (float* data = _data)
        {
            Check(_api.RunF32(_handle, data, (nuint)_data.Length, &layout));
        }

        NativeResultInfo info = default;
        info.StructSize = (uint)sizeof(NativeResultInfo);
        Check(_api.GetResultInfo(_handle, &info));
        return info.Mse;
    }

    private double RunManaged(KernelSet kernels)
    {
        using UnfoldedData x = UnfoldedData.Create(new Dataset4D(_data, 36, 36, 128, 128));
        (int iterations, int restarts) = Shape;
        return Factorizer.Run(x, new NmfOptions { Components = 4, Iterations = iterations, Restarts = restarts }, kernels, null, default).Mse;
    }

    private void Check(int status)
    {
        if (status != 0)
        {
            throw new InvalidOperationException($"libfastnmf status {status}: {Marshal.PtrToStringUTF8((nint)_api.LastError())}");
        }
    }

    private static string LibraryPath()
    {
        if (Environment.GetEnvironmentVariable("FASTNMF_LIBRARY") is { Length: > 0 } path)
        {
            return path;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FastNmf.sln")))
            {
                string built = Path.Combine(dir.FullName, "build", "native", "publish", "libfastnmf.so");
                return File.Exists(built) ? built : throw new FileNotFoundException($"{built} is missing: run cmake -S . -B build && cmake --build build, or set FASTNMF_LIBRARY.");
            }
        }

        throw new FileNotFoundException("libfastnmf.so not found: set FASTNMF_LIBRARY.");
    }
}
