using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FastNmf.Cli;
using FastNmf.IO;
using FastNmf.Simulation;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Cli;

/// <summary>
/// Runs <c>fastnmf</c> in-process through <see cref="Program.Main"/> with the console redirected, in a fresh
/// temporary directory per test, and holds the assertions both CLI fixtures share.
/// </summary>
[NonParallelizable]
public abstract partial class CliHarness
{
    protected const int ScanRows = 6;
    protected const int ScanCols = 5;
    protected const int DetRows = 8;
    protected const int DetCols = 8;
    protected static readonly byte[] s_pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private TempDirectory _temp = null!;
    private TextWriter _originalOut = TextWriter.Null;
    private TextWriter _originalError = TextWriter.Null;
    private StringWriter _out = new();
    private StringWriter _error = new();

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory();
        _originalOut = Console.Out;
        _originalError = Console.Error;
    }

    [TearDown]
    public void TearDown()
    {
        Console.SetOut(_originalOut);
        Console.SetError(_originalError);
        _out.Dispose();
        _error.Dispose();
        _temp.Dispose();
    }


    [GeneratedRegex(@"^restart\s+\d+: final MSE", RegexOptions.Multiline)]
    private static partial Regex RestartLine();

    protected Result Run(params string[] args)
    {
        _out.Dispose();
        _error.Dispose();
        _out = new StringWriter();
        _error = new StringWriter();
        Console.SetOut(_out);
        Console.SetError(_error);
        int code;
        try
        {
            code = Program.Main(args);
        }
        finally
        {
            Console.Out.Flush();
            Console.Error.Flush();
            Console.SetOut(_originalOut);
            Console.SetError(_originalError);
        }

        return new Result(code, _out.ToString(), _error.ToString());
    }

    protected void AssertFactorizeOutputs(string output, Result result, int components, (int Rows, int Cols) scan, (int Rows, int Cols) detector,
        int iterations, int restarts, string method)
    {
        JsonElement summary = ReadSummary(output);
        JsonElement details = summary.GetProperty("restarts_detail");
        int chosen = summary.GetProperty("chosen_restart").GetInt32();
        double[] finalMse = details.EnumerateArray().Select(r => r.GetProperty("final_mse").GetDouble()).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.Empty);
            Assert.That(NpyReader.ReadFloat32(Path.Combine(output, "W.npy")).Shape, Is.EqualTo(new long[] { components, detector.Rows, detector.Cols }));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(output, "H.npy")).Shape, Is.EqualTo(new long[] { components, scan.Rows, scan.Cols }));
            Assert.That(summary.GetProperty("method").GetString(), Is.EqualTo(method));
            string backend = summary.GetProperty("backend").GetString()!;
            Assert.That(backend, Is.AnyOf("managed", "openblas", "mkl"));
            Assert.That(result.Output, Does.Contain($"backend {backend},"), "stdout names the backend summary.json records");
            Assert.That(summary.GetProperty("storage").GetString(), Is.AnyOf("dense", "uint16", "sparse"));
            Assert.That(summary.GetProperty("restarts_per_pass").GetInt32(), Is.EqualTo(restarts));
            Assert.That(details.GetArrayLength(), Is.EqualTo(restarts));
            Assert.That(summary.GetProperty("history").GetProperty("mse").GetArrayLength(), Is.EqualTo(iterations));
            Assert.That(chosen, Is.InRange(0, restarts - 1));
            Assert.That(finalMse[chosen], Is.EqualTo(finalMse.Min()));
            foreach (string png in new[] { "diffractions.png", "maps.png" })
            {
                byte[] bytes = File.ReadAllBytes(Path.Combine(output, png));
                Assert.That(bytes, Has.Length.GreaterThan(s_pngSignature.Length), png);
                Assert.That(bytes.Take(s_pngSignature.Length), Is.EqualTo(s_pngSignature), png);
            }

            Assert.That(RestartLine().Matches(result.Output), Has.Count.EqualTo(restarts), result.Output);
            // Restarts run batched (asserted above), so the last iteration has one progress line — written once.
            Assert.That(Regex.Matches(result.Output, $@"^iteration\s+{iterations}/{iterations}\s", RegexOptions.Multiline), Has.Count.EqualTo(1), result.Output);
            Assert.That(PartialSiblings(Path.GetFileName(output)), Is.Empty);
        });
    }

    /// <summary>Nonzero exit, one "fastnmf: error:" line naming <paramref name="keyword"/>, no stack trace, and neither the
    /// output directory nor its hidden staging sibling left behind.</summary>
    protected void AssertFailedCleanly(Result result, string outputName, string keyword)
    {
        AssertFailedOneLine(result, keyword);
        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(PathOf(outputName)), Is.False, "output directory was created");
            Assert.That(File.Exists(PathOf(outputName)), Is.False, "output file was created");
            Assert.That(PartialSiblings(outputName), Is.Empty, "staging directory left behind");
        });
    }

    protected static void AssertFailedOneLine(Result result, string keyword)
    {
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(result.Code, Is.Not.Zero, result.ToString());
            Assert.That(lines, Has.Length.EqualTo(1), "stderr: " + result.Error);
            Assert.That(result.Error, Does.StartWith("fastnmf: error:"));
            Assert.That(result.Error, Does.Not.Contain("   at "));
            Assert.That(result.Error, Does.Contain(keyword).IgnoreCase);
        });
    }

    protected string[] PartialSiblings(string outputName) =>
        Directory.GetFileSystemEntries(_temp.Path, $".{outputName}.partial-*");

    protected static JsonElement ReadSummary(string output)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        return doc.RootElement.Clone();
    }

    /// <summary>The paper's simulation at 12×12 scan × 32×32 detector, written with <see cref="NpyWriter"/>.</summary>
    protected string WriteSimulated(string name)
    {
        var options = new SimulationOptions { ScanRows = 12, ScanCols = 12, DetRows = 32, DetCols = 32, Seed = 1 };
        (FastNmf.Data.Dataset4D data, _) = Simulator.Generate(options);
        string path = PathOf(name);
        NpyWriter.Write(path, data.Data, [12, 12, 32, 32]);
        return path;
    }

    /// <summary>X = Σ of 3 random non-negative (map ⊗ diffraction) components, 6×5 scan × 8×8 detector, float32.</summary>
    protected string WriteComponents(string name, int seed, Action<float[]>? edit = null)
    {
        const int K = 3;
        var random = new Random(seed);
        int nXy = ScanRows * ScanCols;
        int nUv = DetRows * DetCols;
        double[] maps = Enumerable.Range(0, K * nXy).Select(_ => random.NextDouble() * 10).ToArray();
        double[] diffractions = Enumerable.Range(0, K * nUv).Select(_ => random.NextDouble()).ToArray();
        var data = new float[nXy * nUv];
        for (int j = 0; j < nXy; j++)
        {
            for (int u = 0; u < nUv; u++)
            {
                double v = 0;
                for (int c = 0; c < K; c++)
                {
                    v += maps[(c * nXy) + j] * diffractions[(c * nUv) + u];
                }

                data[(j * nUv) + u] = (float)v;
            }
        }

        edit?.Invoke(data);
        string path = PathOf(name);
        NpyWriter.Write(path, data, [ScanRows, ScanCols, DetRows, DetCols]);
        return path;
    }

    /// <summary>A version 1.0 .npy file built byte by byte, with <paramref name="dataBytes"/> zero bytes of data.</summary>
    /// <summary>This test's temporary directory, deleted after the test.</summary>
    protected string WorkDirectory => _temp.Path;

    protected string PathOf(string name) => _temp.PathOf(name);

    protected sealed record Result(int Code, string Output, string Error)
    {
        public override string ToString() => $"exit {Code}\nstdout:\n{Output}\nstderr:\n{Error}";
    }
}
