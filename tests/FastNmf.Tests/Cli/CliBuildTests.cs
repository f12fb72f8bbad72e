using System.Reflection.PortableExecutable;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Cli;

/// <summary>The fastnmf program as built: a Release build is precompiled (ReadyToRun) in its output directory, its own
/// assemblies and the libraries it loads, so a command does not spend its first second compiling.</summary>
[TestFixture]
public sealed class CliBuildTests
{
    [TestCase("FastNmf.Cli.dll")]
    [TestCase("FastNmf.dll")]
    [TestCase("ScottPlot.dll")]
    [TestCase("SkiaSharp.dll")]
    public void ReleaseBuild_IsPrecompiled(string assembly)
    {
        if (!BuiltCli.Precompiled)
        {
            Assert.Ignore("this build is not precompiled (a Debug build, or -p:FastNmfReadyToRun=false).");
        }

        string path = Path.Combine(Path.GetDirectoryName(BuiltCli.Apphost)!, assembly);
        using var pe = new PEReader(File.OpenRead(path));
        CorHeader cor = pe.PEHeaders.CorHeader ?? throw new AssertionException($"{path} is not a .NET assembly.");
        // ReadyToRun images point their CLR header's managed-native-header entry at the READYTORUN header.
        Assert.That(cor.ManagedNativeHeaderDirectory.Size, Is.GreaterThan(0), $"{path} has no ReadyToRun code");
    }
}
