using System.Diagnostics;
using NUnit.Framework;

namespace FastNmf.Tests.TestSupport;

/// <summary>
/// Runs a short Python script with Debian's /usr/bin/python3 to write a sample file with an independent tool (NumPy,
/// HyperSpy); the test is ignored, with the reason, where the interpreter or a module is missing.
/// </summary>
internal static class PythonTool
{
    private const string Interpreter = "/usr/bin/python3";

    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/>; ignores the test if <paramref name="modules"/> do not import.</summary>
    public static void Run(string script, string[] modules, params string[] args)
    {
        if (!File.Exists(Interpreter))
        {
            Assert.Ignore($"{Interpreter} is not installed.");
        }

        (int probe, string probeError) = Execute("-c", $"import {string.Join(", ", modules)}");
        if (probe != 0)
        {
            Assert.Ignore($"python3 cannot import {string.Join(", ", modules)}: {probeError.Trim().Split('\n')[^1]}");
        }

        (int code, string error) = Execute(["-c", script, .. args]);
        Assert.That(code, Is.Zero, $"python3 failed: {error}");
    }

    private static (int Code, string Error) Execute(params string[] args)
    {
        var info = new ProcessStartInfo(Interpreter) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using Process process = Process.Start(info)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error.Result);
    }
}
