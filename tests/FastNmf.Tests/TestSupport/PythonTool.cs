using NUnit.Framework;

namespace FastNmf.Tests.TestSupport;

/// <summary>
/// Runs a short Python script with Debian's /usr/bin/python3 to write or read a sample file with an independent tool
/// (NumPy, HyperSpy); the test is ignored, with the reason, where the interpreter or a module is missing — or fails, when
/// <c>FASTNMF_REQUIRE_PYTHON=1</c> (CI installs them, so a missing one there is a broken set-up, not a skip).
/// </summary>
/// <remarks>
/// The scripts run in one interpreter kept for the whole test run (<see cref="PythonSession"/>): HyperSpy's first
/// <c>hs.load</c> imports every reader plugin, about 5 s, which one process per test paid again for each test.
/// </remarks>
internal static class PythonTool
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/> as <c>sys.argv[1:]</c>; ignores the test if
    /// <paramref name="modules"/> do not import.</summary>
    public static void Run(string script, string[] modules, params string[] args)
    {
        PythonSession? session = PythonSession.Shared;
        if (session is null)
        {
            Missing($"{PythonSession.Interpreter} is not installed.");
        }

        string? missing = session.TryImport(modules);
        if (missing is not null)
        {
            Missing($"python3 cannot import {string.Join(", ", modules)}: {missing.Trim().Split('\n')[^1]}");
        }

        string? error = session.Execute(script, args);
        Assert.That(error, Is.Null, $"python3 failed: {error}");
    }

    /// <summary>Ignores the calling test for a missing Python tool, or fails it under FASTNMF_REQUIRE_PYTHON=1.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Missing(string reason)
    {
        if (Environment.GetEnvironmentVariable("FASTNMF_REQUIRE_PYTHON") == "1")
        {
            Assert.Fail(reason + " (FASTNMF_REQUIRE_PYTHON=1)");
        }

        Assert.Ignore(reason);
    }
}
