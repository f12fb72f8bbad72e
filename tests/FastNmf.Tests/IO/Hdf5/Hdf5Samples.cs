using System.Diagnostics;
using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO.Hdf5;

/// <summary>
/// The HDF5 sample files of <c>make_hdf5_samples.py</c>, written once per test run by Debian's h5py (an HDF5 writer
/// independent of PureHDF) into a temporary directory; tests that need them are ignored, with the reason, where
/// /usr/bin/python3 or h5py is missing.
/// </summary>
internal static class Hdf5Samples
{
    private const string Interpreter = "/usr/bin/python3";
    private static readonly Lazy<(string? Dir, string? Why)> Written = new(Write, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The directory holding the samples; ignores the calling test if they cannot be written.</summary>
    public static string Directory
    {
        get
        {
            (string? dir, string? why) = Written.Value;
            if (dir is null)
            {
                PythonTool.Missing(why!);
            }

            return dir!;
        }
    }

    /// <summary>Path of sample <paramref name="name"/> (<c>NAME.h5</c>); ignores the test if the script skipped it.</summary>
    public static string File(string name)
    {
        string path = System.IO.Path.Combine(Directory, name + ".h5");
        if (!System.IO.File.Exists(path))
        {
            PythonTool.Missing($"{name}.h5 was not written: make_hdf5_samples.py needs python3-lz4 (and the bitshuffle package for the plugin sample).");
        }

        return path;
    }

    /// <summary>The expected float32 values of sample <paramref name="name"/> (<c>NAME.expected.npy</c>).</summary>
    public static NpyArray Expected(string name) => NpyReader.ReadFloat32(System.IO.Path.Combine(Directory, name + ".expected.npy"));

    /// <summary>Runs a Python snippet with the samples directory as argv[1]; returns its standard output.</summary>
    public static string RunPython(string code, params string[] args)
    {
        (int exit, string stdout, string stderr) = Execute(["-c", code, .. args]);
        Assert.That(exit, Is.Zero, $"python3 failed: {stderr}");
        return stdout;
    }

    private static (string? Dir, string? Why) Write()
    {
        if (!System.IO.File.Exists(Interpreter))
        {
            return (null, $"{Interpreter} is not installed (CI installs python3-h5py).");
        }

        (int probe, _, string probeError) = Execute("-c", "import h5py, numpy");
        if (probe != 0)
        {
            return (null, $"python3 cannot import h5py/numpy (apt-get install python3-h5py): {probeError.Trim().Split('\n')[^1]}");
        }

        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "FastNmf.Tests.hdf5-samples." + Environment.ProcessId);
        string script = System.IO.Path.Combine(AppContext.BaseDirectory, "IO", "Hdf5", "make_hdf5_samples.py");
        (int code, _, string error) = Execute(script, dir);
        if (code != 0)
        {
            throw new InvalidOperationException($"make_hdf5_samples.py failed: {error}");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (System.IO.Directory.Exists(dir))
            {
                System.IO.Directory.Delete(dir, recursive: true);
            }
        };
        return (dir, null);
    }

    private static (int Code, string Out, string Error) Execute(params string[] args)
    {
        var info = new ProcessStartInfo(Interpreter) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using Process process = Process.Start(info)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
