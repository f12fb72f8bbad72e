using System.Reflection;

namespace FastNmf.Tests.TestSupport;

/// <summary>
/// The fastnmf program as its project built it: the apphost in <c>src/FastNmf.Cli/bin/&lt;configuration&gt;/</c>, next to
/// its own dependency manifest and native libraries (a Release build there is also precompiled). Tests that start the
/// program as a process start this one, not the referenced copy beside the test assembly, whose manifest is the
/// tests' mix.
/// </summary>
internal static class BuiltCli
{
    /// <summary>Full path of the apphost (<c>FastNmf.Cli</c>; the process is named so).</summary>
    public static string Apphost { get; } = Metadata("FastnmfApphost");

    /// <summary>Whether the build is precompiled: a Release build, unless built with <c>-p:FastNmfReadyToRun=false</c>.</summary>
    public static bool Precompiled { get; } = bool.Parse(Metadata("FastnmfPrecompiled"));

    private static string Metadata(string key) =>
        typeof(BuiltCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
