using System.Reflection;
using System.Runtime.InteropServices;
using FastNmf;
using FastNmf.Data;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.PackageTests;

/// <summary>A project that knows FastNmf only as a package: it restores, runs a factorization, and finds what the
/// package promises (XML docs, README, the C ABI library for linux-x64).</summary>
public sealed class PackageConsumerTests
{
    private static string PackageDirectory =>
        typeof(PackageConsumerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "FastNmfPackageDirectory").Value!;

    [Test]
    public void Factorize_SmallSimulatedSet_RecoversTheAmorphousDiffraction()
    {
        (Dataset4D data, SimulatedTruth truth) = Simulator.Generate(new SimulationOptions
        {
            ScanRows = 12, ScanCols = 12, DetRows = 32, DetCols = 32, Crystals = 1, Dose = 5000, Seed = 2,
        });
        using UnfoldedData x = UnfoldedData.Create(data);
        NmfResult r = Factorizer.Run(x, new NmfOptions { Components = 2, Iterations = 60, Restarts = 2, Threads = 1 });

        Assert.That(r.W, Has.Length.EqualTo(2 * 32 * 32));
        Assert.That(double.IsFinite(r.Mse) && r.Mse > 0, Is.True, $"MSE {r.Mse}");
        double best = Enumerable.Range(0, 2).Max(c => Analysis.Similarity.Cosine(r.Diffraction(c), truth.Diffractions.AsSpan(0, 32 * 32)));
        Assert.That(best, Is.GreaterThan(0.95), "cosine of the closest component to the amorphous truth");
    }

    [Test]
    public void Package_ShipsDocsReadmeAndNativeLibrary()
    {
        string dir = PackageDirectory;
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(Path.Combine(dir, "lib", "net10.0", "FastNmf.dll")), Is.True, dir);
            Assert.That(File.ReadAllText(Path.Combine(dir, "lib", "net10.0", "FastNmf.xml")), Does.Contain("M:FastNmf.Factorizer.Run"));
            Assert.That(File.ReadAllText(Path.Combine(dir, "README.md")), Does.Contain("## C API"));
            Assert.That(File.Exists(Path.Combine(dir, "runtimes", "linux-x64", "native", "libfastnmf.so")), Is.True);
        });
    }

    [Test]
    public unsafe void NativeLibrary_FromThePackage_LoadsAndReportsItsAbi()
    {
        // The consumer's build copies the package's runtimes/ assets next to it; the C ABI library must load without
        // a .NET runtime of its own and answer through its exports.
        string path = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libfastnmf.so");
        Assert.That(File.Exists(path), Is.True, path);
        nint handle = NativeLibrary.Load(path);
        var abiVersion = (delegate* unmanaged<uint>)NativeLibrary.GetExport(handle, "fastnmf_get_abi_version");
        var statusName = (delegate* unmanaged<int, byte*>)NativeLibrary.GetExport(handle, "fastnmf_status_name");
        Assert.Multiple(() =>
        {
            Assert.That(abiVersion(), Is.EqualTo(2u));
            Assert.That(Marshal.PtrToStringUTF8((nint)statusName(12)), Is.EqualTo("FASTNMF_STATUS_BUSY"));
        });
    }
}
