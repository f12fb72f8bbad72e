using System.Diagnostics;
using NUnit.Framework;

namespace FastNmf.Tests.Distributed;

/// <summary>
/// Runs the <c>fastnmf</c> executable under a real MPI launcher (Debian's Open MPI or MPICH), oversubscribed on this
/// machine, as root where the tests run as root, every run bounded in time. Tests are ignored where the launcher is not
/// installed — and fail under <c>FASTNMF_REQUIRE_MPI=1</c>, which CI sets after installing both.
/// </summary>
internal static class MpiLauncher
{
    public const string OpenMpi = "/usr/bin/mpirun.openmpi";
    public const string Mpich = "/usr/bin/mpirun.mpich";

    /// <summary>The fastnmf apphost as its project built it (<see cref="TestSupport.BuiltCli"/>).</summary>
    public static string Fastnmf => TestSupport.BuiltCli.Apphost;

    public static void Require(string launcher)
    {
        if (File.Exists(launcher))
        {
            return;
        }

        string reason = $"{launcher} is not installed (Debian: {(launcher == OpenMpi ? "openmpi-bin" : "mpich")}).";
        if (Environment.GetEnvironmentVariable("FASTNMF_REQUIRE_MPI") == "1")
        {
            Assert.Fail(reason + " (FASTNMF_REQUIRE_MPI=1)");
        }

        Assert.Ignore(reason);
    }

    /// <summary>The launcher's arguments for <paramref name="ranks"/> ranks of <c>fastnmf args</c>.</summary>
    public static List<string> Command(string launcher, int ranks, IEnumerable<string> args)
    {
        var command = new List<string>();
        if (launcher == OpenMpi)
        {
            command.AddRange(["--oversubscribe", "--bind-to", "none", "--mca", "btl", "self,vader", "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        else
        {
            command.AddRange(["-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        command.Add(Fastnmf);
        command.AddRange(args);
        return command;
    }

    /// <summary>Runs a process to its end or <paramref name="timeout"/> (then kills the whole tree and fails).</summary>
    public static Result Run(string file, IReadOnlyList<string> args, TimeSpan timeout, string workingDirectory, Action<Process>? whileRunning = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        // Open MPI as root (CI runs as root), shared memory without the single-copy mechanism containers forbid.
        info.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        info.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        info.Environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none";
        info.Environment["OMPI_MCA_rmaps_base_oversubscribe"] = "1";
        info.Environment["DOTNET_TieredPGO"] = "0";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        whileRunning?.Invoke(process);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{file} {string.Join(' ', args)} did not end within {timeout.TotalSeconds:F0} s (a hang).\nstdout:\n{stdout.Result}\nstderr:\n{stderr.Result}");
        }

        process.WaitForExit();
        return new Result(process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }

    internal sealed record Result(int Code, string Output, string Error, TimeSpan Elapsed)
    {
        public override string ToString() => $"exit {Code} after {Elapsed.TotalSeconds:F1} s\nstdout:\n{Output}\nstderr:\n{Error}";
    }
}
