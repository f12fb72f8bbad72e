using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FastNmf.Cli;
using FastNmf.IO;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Cli;

/// <summary>
/// Drives <c>fastnmf</c> in-process through <see cref="Program.Main"/> with the console redirected: the success paths
/// produce every documented file, and every bad input ends in one error line, a nonzero exit code and no output.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class CliTests
{
    private const int ScanRows = 6;
    private const int ScanCols = 5;
    private const int DetRows = 8;
    private const int DetCols = 8;
    private static readonly byte[] s_pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private string _directory = "";
    private TextWriter _originalOut = TextWriter.Null;
    private TextWriter _originalError = TextWriter.Null;
    private StringWriter _out = new();
    private StringWriter _error = new();

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "FastNmf.Tests.Cli." + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
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
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    // ---------------------------------------------------------------- success paths

    [Test]
    public void Factorize_SimulatedData_WritesEveryOutputAndReportsBackendAndRestarts()
    {
        string input = WriteSimulated("X.npy");
        string output = PathOf("D");

        Result result = Run("factorize", input, "-k", "4", "--out", output, "--iterations", "20", "--restarts", "2");

        Assert.That(result.Code, Is.Zero, result.ToString());
        AssertFactorizeOutputs(output, result, components: 4, scan: (12, 12), detector: (32, 32), iterations: 20, restarts: 2, "constrained");
    }

    [Test]
    public void Simulate_ThenFactorize_WritesEveryOutput()
    {
        string input = PathOf("X.npy");
        string truth = PathOf("T");
        string output = PathOf("D");

        Result simulate = Run("simulate", "--out", input, "--truth", truth, "--scan-rows", "12", "--scan-cols", "12", "--det-rows", "32", "--det-cols", "32");
        Assert.That(simulate.Code, Is.Zero, simulate.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(NpyReader.ReadFloat32(input).Shape, Is.EqualTo(new long[] { 12, 12, 32, 32 }));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(truth, "W_true.npy")).Shape, Is.EqualTo(new long[] { 4, 32, 32 }));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(truth, "H_true.npy")).Shape, Is.EqualTo(new long[] { 4, 12, 12 }));
            Assert.That(File.Exists(Path.Combine(truth, "truth.json")), Is.True);
        });

        Result result = Run("factorize", input, "-k", "4", "--out", output, "--iterations", "20", "--restarts", "2");

        Assert.That(result.Code, Is.Zero, result.ToString());
        AssertFactorizeOutputs(output, result, components: 4, scan: (12, 12), detector: (32, 32), iterations: 20, restarts: 2, "constrained");
    }

    [Test]
    public void Simulate_SmallDataSet_WritesTruthAndReportsTheShape()
    {
        string input = PathOf("X.npy");
        string truth = PathOf("T");

        Result result = Run("simulate", "--out", input, "--truth", truth, "--scan-rows", "12", "--scan-cols", "12", "--det-rows", "32", "--det-cols", "32");

        Assert.That(result.Code, Is.Zero, result.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.Empty);
            Assert.That(result.Output, Does.Contain("(12, 12, 32, 32) float32"));
            Assert.That(File.Exists(input), Is.True);
            Assert.That(File.Exists(input + ".tmp"), Is.False);
            Assert.That(new FileInfo(input).Length, Is.GreaterThanOrEqualTo(12L * 12 * 32 * 32 * 4));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(truth, "W_true.npy")).Shape, Is.EqualTo(new long[] { 4, 32, 32 }));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(truth, "H_true.npy")).Shape, Is.EqualTo(new long[] { 4, 12, 12 }));
        });
    }

    [TestCase("als")]
    [TestCase("mu")]
    public void Factorize_PrimitiveMethod_Succeeds(string method)
    {
        string input = WriteComponents("X.npy", seed: 3);
        string output = PathOf("D");

        Result result = Run("factorize", input, "-k", "3", "--out", output, "--method", method, "--iterations", "10", "--restarts", "2");

        Assert.That(result.Code, Is.Zero, result.ToString());
        AssertFactorizeOutputs(output, result, components: 3, scan: (ScanRows, ScanCols), detector: (DetRows, DetCols), iterations: 10, restarts: 2, method);
    }

    [Test]
    public void Demo_FewIterations_SucceedsAndComparesWithTruth()
    {
        string output = PathOf("D");

        Result result = Run("demo", "--out", output, "--iterations", "3", "--restarts", "1");

        Assert.That(result.Code, Is.Zero, result.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.Empty);
            Assert.That(result.Output, Does.Contain("recovery against the truth"));
            Assert.That(result.Output, Does.Contain("backend managed"));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(output, "W.npy")).Shape, Is.EqualTo(new long[] { 4, 128, 128 }));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(output, "H.npy")).Shape, Is.EqualTo(new long[] { 4, 36, 36 }));
            Assert.That(File.Exists(Path.Combine(output, "truth", "W_true.npy")), Is.True);
            Assert.That(ReadSummary(output).GetProperty("truth_comparison").GetArrayLength(), Is.EqualTo(4));
            Assert.That(PartialSiblings("D"), Is.Empty);
        });
    }

    [TestCase("simulate")]
    [TestCase("factorize")]
    [TestCase("demo")]
    public void Help_AnyVerb_ExitsZeroAndDescribesOptions(string verb)
    {
        Result result = Run(verb, "--help");

        Assert.Multiple(() =>
        {
            Assert.That(result.Code, Is.Zero, result.ToString());
            Assert.That(result.Output, Does.Contain("--out"));
            Assert.That(result.Error, Is.Empty);
            Assert.That(Directory.GetFileSystemEntries(_directory), Is.Empty);
        });
    }

    [Test]
    public void Factorize_ClipNegative_SucceedsAndReportsHowManyWereClipped()
    {
        string input = WriteComponents("X.npy", seed: 4, edit: d =>
        {
            d[5] = -1f;
            d[700] = -0.25f;
            d[1801] = -3f;
        });
        string output = PathOf("D");

        Result result = Run("factorize", input, "-k", "3", "--out", output, "--iterations", "5", "--restarts", "1", "--clip-negative");

        Assert.That(result.Code, Is.Zero, result.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(result.Output, Does.Contain("clipped 3 negative value(s) to 0"));
            Assert.That(ReadSummary(output).GetProperty("input").GetProperty("negative_values_clipped").GetInt64(), Is.EqualTo(3));
        });
    }

    [Test]
    public void Factorize_SameSeedTwice_WritesByteIdenticalFactors()
    {
        string input = WriteComponents("X.npy", seed: 5);

        Result first = Run("factorize", input, "-k", "3", "--out", PathOf("D1"), "--iterations", "10", "--restarts", "2", "--seed", "42");
        Result second = Run("factorize", input, "-k", "3", "--out", PathOf("D2"), "--iterations", "10", "--restarts", "2", "--seed", "42");
        Result other = Run("factorize", input, "-k", "3", "--out", PathOf("D3"), "--iterations", "10", "--restarts", "2", "--seed", "43");

        Assert.Multiple(() =>
        {
            Assert.That(first.Code, Is.Zero, first.ToString());
            Assert.That(second.Code, Is.Zero, second.ToString());
            Assert.That(other.Code, Is.Zero, other.ToString());
        });
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(PathOf("D2/W.npy")), Is.EqualTo(File.ReadAllBytes(PathOf("D1/W.npy"))));
            Assert.That(File.ReadAllBytes(PathOf("D2/H.npy")), Is.EqualTo(File.ReadAllBytes(PathOf("D1/H.npy"))));

            // The seed must matter, or the comparison above proves nothing.
            Assert.That(File.ReadAllBytes(PathOf("D3/H.npy")), Is.Not.EqualTo(File.ReadAllBytes(PathOf("D1/H.npy"))));
        });
    }

    // ---------------------------------------------------------------- bad input

    [Test]
    public void Factorize_MissingInputFile_FailsCleanly()
    {
        Result result = Run("factorize", PathOf("nowhere.npy"), "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");

        AssertFailedCleanly(result, "D", "not found");
    }

    [Test]
    public void Factorize_TruncatedNpy_FailsCleanly()
    {
        string input = WriteComponents("X.npy", seed: 6);
        byte[] bytes = File.ReadAllBytes(input);
        File.WriteAllBytes(input, bytes[..(bytes.Length - 100)]);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");

        AssertFailedCleanly(result, "D", "truncated");
    }

    [Test]
    public void Factorize_WrongMagic_FailsCleanly()
    {
        string input = WriteComponents("X.npy", seed: 7);
        byte[] bytes = File.ReadAllBytes(input);
        bytes[0] = (byte)'P';
        bytes[1] = (byte)'K';
        File.WriteAllBytes(input, bytes);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");

        AssertFailedCleanly(result, "D", "magic");
    }

    [Test]
    public void Factorize_UnsupportedDtype_FailsCleanly()
    {
        string input = PathOf("complex.npy");
        File.WriteAllBytes(input, HandWrittenNpy("<c8", $"({ScanRows}, {ScanCols}, {DetRows}, {DetCols})", ScanRows * ScanCols * DetRows * DetCols * 8));

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");

        AssertFailedCleanly(result, "D", "dtype");
        Assert.That(result.Error, Does.Contain("c8"));
    }

    [Test]
    public void Factorize_ThreeDimensionalArray_FailsCleanly()
    {
        string input = PathOf("cube.npy");
        NpyWriter.Write(input, new float[ScanRows * ScanCols * DetRows], [ScanRows * ScanCols, DetRows, 1]);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");

        AssertFailedCleanly(result, "D", "dimension");
        Assert.That(result.Error, Does.Contain("expected 4"));
    }

    [TestCase(float.NaN)]
    [TestCase(float.PositiveInfinity)]
    [TestCase(float.NegativeInfinity)]
    public void Factorize_NonFiniteValue_FailsCleanly(float value)
    {
        string input = WriteComponents("X.npy", seed: 8, edit: d => d[123] = value);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");

        AssertFailedCleanly(result, "D", "finite");
    }

    [Test]
    public void Factorize_NegativeValue_FailsCleanlyAndPointsAtClipNegative()
    {
        string input = WriteComponents("X.npy", seed: 9, edit: d => d[42] = -0.5f);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");

        AssertFailedCleanly(result, "D", "--clip-negative");
        Assert.That(result.Error, Does.Contain("negative"));
    }

    [Test]
    public void Factorize_ZeroComponents_FailsCleanly()
    {
        string input = WriteComponents("X.npy", seed: 10);

        Result result = Run("factorize", input, "-k", "0", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");

        AssertFailedCleanly(result, "D", "components");
    }

    [Test]
    public void Factorize_ComponentsEqualToMinDimension_FailsCleanly()
    {
        string input = WriteComponents("X.npy", seed: 11);
        int limit = Math.Min(ScanRows * ScanCols, DetRows * DetCols);

        Result result = Run("factorize", input, "-k", limit.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");

        AssertFailedCleanly(result, "D", "components");
        Assert.That(result.Error, Does.Contain($"= {limit}"));
    }

    [Test]
    public void Factorize_MaskHidingWholeDetector_FailsCleanly()
    {
        string input = WriteComponents("X.npy", seed: 12);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1", "--mask-radius", "100");

        AssertFailedCleanly(result, "D", "--mask-radius");
        Assert.That(result.Error, Does.Contain("every detector pixel"));
    }

    [Test]
    public void Factorize_BogusConstraints_FailsCleanly()
    {
        string input = WriteComponents("X.npy", seed: 13);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1", "--constraints", "bogus");

        AssertFailedCleanly(result, "D", "--constraints");
        Assert.That(result.Error, Does.Contain("bogus"));
    }

    [Test]
    public void Factorize_ConstraintsWithAls_FailsCleanly()
    {
        string input = WriteComponents("X.npy", seed: 14);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1", "--constraints", "w", "--method", "als");

        AssertFailedCleanly(result, "D", "--method constrained");
    }

    [Test]
    public void Factorize_ProbeFwhmWithoutScanStep_FailsCleanly()
    {
        string input = WriteComponents("X.npy", seed: 15);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1", "--probe-fwhm", "2");

        AssertFailedCleanly(result, "D", "--scan-step");
    }

    [Test]
    public void Factorize_EvenKernelSize_FailsCleanly()
    {
        string input = WriteComponents("X.npy", seed: 16);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1", "--kernel-size", "4");

        AssertFailedCleanly(result, "D", "odd");
    }

    [Test]
    public void Factorize_OutputDirectoryNotEmpty_FailsCleanlyAndLeavesItsContentUntouched()
    {
        string input = WriteComponents("X.npy", seed: 17);
        string output = PathOf("D");
        Directory.CreateDirectory(output);
        string existing = Path.Combine(output, "notes.txt");
        File.WriteAllText(existing, "precious");
        DateTime written = File.GetLastWriteTimeUtc(existing);

        Result result = Run("factorize", input, "-k", "3", "--out", output, "--iterations", "2", "--restarts", "1");

        AssertFailedOneLine(result, "not empty");
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(existing), Is.EqualTo("precious"));
            Assert.That(File.GetLastWriteTimeUtc(existing), Is.EqualTo(written));
            Assert.That(Directory.GetFileSystemEntries(output), Is.EqualTo(new[] { existing }));
            Assert.That(PartialSiblings("D"), Is.Empty);
        });
    }

    [Test]
    public void Simulate_OutputFileExists_FailsCleanlyAndLeavesItUntouched()
    {
        string path = PathOf("X.npy");
        byte[] original = Encoding.ASCII.GetBytes("not touched");
        File.WriteAllBytes(path, original);

        Result result = Run("simulate", "--out", path, "--scan-rows", "12", "--scan-cols", "12", "--det-rows", "32", "--det-cols", "32");

        AssertFailedOneLine(result, "exists");
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(original));
            Assert.That(File.Exists(path + ".tmp"), Is.False);
            Assert.That(Directory.GetFileSystemEntries(_directory), Has.Length.EqualTo(1));
        });
    }

    // ---------------------------------------------------------------- helpers

    [GeneratedRegex(@"^restart\s+\d+: final MSE", RegexOptions.Multiline)]
    private static partial Regex RestartLine();

    private Result Run(params string[] args)
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

    private void AssertFactorizeOutputs(string output, Result result, int components, (int Rows, int Cols) scan, (int Rows, int Cols) detector,
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
            Assert.That(summary.GetProperty("backend").GetString(), Is.EqualTo("managed"));
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

            Assert.That(result.Output, Does.Contain("backend managed"));
            Assert.That(RestartLine().Matches(result.Output), Has.Count.EqualTo(restarts), result.Output);
            Assert.That(PartialSiblings(Path.GetFileName(output)), Is.Empty);
        });
    }

    /// <summary>Nonzero exit, one "fastnmf: error:" line naming <paramref name="keyword"/>, no stack trace, and neither the
    /// output directory nor its hidden staging sibling left behind.</summary>
    private void AssertFailedCleanly(Result result, string outputName, string keyword)
    {
        AssertFailedOneLine(result, keyword);
        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(PathOf(outputName)), Is.False, "output directory was created");
            Assert.That(File.Exists(PathOf(outputName)), Is.False, "output file was created");
            Assert.That(PartialSiblings(outputName), Is.Empty, "staging directory left behind");
        });
    }

    private static void AssertFailedOneLine(Result result, string keyword)
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

    private string[] PartialSiblings(string outputName) =>
        Directory.GetFileSystemEntries(_directory, $".{outputName}.partial-*");

    private static JsonElement ReadSummary(string output)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        return doc.RootElement.Clone();
    }

    /// <summary>The paper's simulation at 12×12 scan × 32×32 detector, written with <see cref="NpyWriter"/>.</summary>
    private string WriteSimulated(string name)
    {
        var options = new SimulationOptions { ScanRows = 12, ScanCols = 12, DetRows = 32, DetCols = 32, Seed = 1 };
        (FastNmf.Data.Dataset4D data, _) = Simulator.Generate(options);
        string path = PathOf(name);
        NpyWriter.Write(path, data.Data, [12, 12, 32, 32]);
        return path;
    }

    /// <summary>X = Σ of 3 random non-negative (map ⊗ diffraction) components, 6×5 scan × 8×8 detector, float32.</summary>
    private string WriteComponents(string name, int seed, Action<float[]>? edit = null)
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
    private static byte[] HandWrittenNpy(string descr, string shape, int dataBytes)
    {
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int headerLength = ((10 + dict.Length + 1 + 63) / 64 * 64) - 10;
        var bytes = new byte[10 + headerLength + dataBytes];
        bytes[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY").CopyTo(bytes, 1);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)headerLength);
        Encoding.ASCII.GetBytes(dict.PadRight(headerLength - 1) + "\n").CopyTo(bytes, 10);
        return bytes;
    }

    private string PathOf(string name) => Path.Combine(_directory, name);

    private sealed record Result(int Code, string Output, string Error)
    {
        public override string ToString() => $"exit {Code}\nstdout:\n{Output}\nstderr:\n{Error}";
    }
}
