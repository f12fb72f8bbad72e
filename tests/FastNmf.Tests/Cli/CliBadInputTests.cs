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

/// <summary>Bad input: one error line, a nonzero exit code, nothing written, nothing overwritten.</summary>
[TestFixture]
[NonParallelizable]
public sealed class CliBadInputTests : CliHarness
{

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
        File.WriteAllBytes(input, NpyBytes.Npy(NpyBytes.Dict("<c8", $"({ScanRows}, {ScanCols}, {DetRows}, {DetCols})"), new byte[ScanRows * ScanCols * DetRows * DetCols * 8]));

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");

        AssertFailedCleanly(result, "D", "dtype");
        Assert.That(result.Error, Does.Contain("c8"));
    }

    [Test]
    public void Factorize_TwoDimensionalArray_FailsCleanly()
    {
        string input = PathOf("image.npy");
        NpyWriter.Write(input, new float[ScanRows * ScanCols * DetRows], [ScanRows * ScanCols, DetRows]);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");

        AssertFailedCleanly(result, "D", "dimension");
        Assert.That(result.Error, Does.Contain("expected 4"));
    }

    [Test]
    public void Factorize_ThreeDimensionalArrayWithoutScanShape_FailsCleanlyAskingForIt()
    {
        string input = PathOf("cube.npy");
        NpyWriter.Write(input, new float[ScanRows * ScanCols * DetRows], [ScanRows * ScanCols, DetRows, 1]);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1");

        AssertFailedCleanly(result, "D", "--scan-shape");
    }

    [Test]
    public void Simulate_IntoADirectoryThatDoesNotExist_FailsNamingIt()
    {
        Result result = Run("simulate", "--out", PathOf("missing/sim.npy"));
        AssertFailedOneLine(result, "does not exist");
        Assert.That(result.Error, Does.Contain(PathOf("missing")));
        Assert.That(Directory.Exists(PathOf("missing")), Is.False);
    }

    [Test]
    public void Factorize_AllZeroData_FailsCleanlyNamingTheFile()
    {
        string input = PathOf("zeros.npy");
        NpyWriter.Write(input, new float[ScanRows * ScanCols * DetRows * DetCols], [ScanRows, ScanCols, DetRows, DetCols]);

        Result result = Run("factorize", input, "-k", "2", "--out", PathOf("D"));

        AssertFailedCleanly(result, "D", "nothing to factorize");
        Assert.That(result.Error, Does.Contain(input));
        Assert.That(result.Code, Is.EqualTo(2));
    }

    [Test]
    public void Factorize_ScanShapeNotMatchingTheFrames_FailsCleanlyNamingBothCounts()
    {
        string input = PathOf("sim.npy");
        NpyWriter.Write(input, new float[ScanRows * ScanCols * DetRows * DetCols], [ScanRows, ScanCols, DetRows, DetCols]);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--scan-shape", "7x7");

        AssertFailedCleanly(result, "D", "needs 49 frames");
        Assert.That(result.Error, Does.Contain($"holds {ScanRows * ScanCols} frames"));
    }

    [Test]
    public void Factorize_MalformedScanShape_FailsCleanly()
    {
        string input = PathOf("sim.npy");
        NpyWriter.Write(input, new float[ScanRows * ScanCols * DetRows * DetCols], [ScanRows, ScanCols, DetRows, DetCols]);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--scan-shape", "30");

        AssertFailedCleanly(result, "D", "ROWSxCOLS");
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
    public void Factorize_UInt16StorageOfNonIntegerData_FailsCleanlyNamingTheValue()
    {
        string input = WriteComponents("X.npy", seed: 9, edit: d => d[42] = 0.25f);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--iterations", "2", "--restarts", "1", "--storage", "uint16");

        // X is read straight into uint16, so the first value that is not a count stops the reading, named by element.
        AssertFailedCleanly(result, "D", "(0, 0, 0, 0) is 8.63");
        Assert.That(result.Error, Does.Contain("not a count: uint16 storage (--storage uint16) holds integers 0–65535 only"));
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

    [TestCase("-k", "30", "-k 30: components must satisfy 1 ≤ k < min(n_uv, n_xy) = 30")]
    [TestCase("--iterations", "0", "--iterations 0: iterations must be at least 1.")]
    [TestCase("--restarts", "0", "--restarts 0: restarts must be at least 1.")]
    [TestCase("--threads", "0", "--threads 0: threads must be at least 1.")]
    [TestCase("--tolerance", "-1", "--tolerance -1: tolerance must be a positive number.")]
    [TestCase("--phi-samples", "2", "--phi-samples 2: φ samples must be between")]
    public void Factorize_OptionOutOfRange_FailsBeforeReadingAndNamesTheOption(string option, string value, string expected)
    {
        string input = WriteComponents("X.npy", seed: 15);

        Result result = Run(["factorize", input, "--out", PathOf("D"), .. option == "-k" ? Array.Empty<string>() : ["-k", "3"], option, value]);

        AssertFailedCleanly(result, "D", expected);
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Does.Not.Contain("(Parameter"), "the library's parameter name is not an option");
            Assert.That(result.Output, Does.Not.Contain("memory:"), "refused from the file's header, before the memory plan and the reading");
        });
    }

    [TestCase("--mask-dead-hot", "--hot-factor", "0.5")]
    [TestCase("--mask-direct-beam=auto", "--direct-beam-threshold", "1.5")]
    public void Factorize_MaskOptionOutOfRange_FailsBeforeOpeningTheInput(string mask, string option, string value)
    {
        string input = WriteComponents("X.npy", seed: 16);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), mask, option, value);

        AssertFailedCleanly(result, "D", $"{option} {value}");
        Assert.That(result.Output, Does.Not.Contain("input:"), "checked before the file is opened and its statistics pass runs");
    }

    [Test]
    public void Factorize_MaskFileHidingWholeDetector_FailsCleanlyNamingTheMask()
    {
        string input = WriteComponents("X.npy", seed: 17);
        string mask = PathOf("all.npy");
        NpyWriter.Write(mask, Enumerable.Repeat(1f, DetRows * DetCols).ToArray(), [DetRows, DetCols]);

        Result result = Run("factorize", input, "-k", "3", "--out", PathOf("D"), "--mask", mask);

        AssertFailedCleanly(result, "D", $"file {mask}");
        Assert.That(result.Error, Does.Contain($"hide all {DetRows * DetCols} detector pixels"));
    }

    [Test]
    public void Demo_ZeroIterations_FailsBeforeSimulating()
    {
        Result result = Run("demo", "--out", PathOf("D"), "--iterations", "0");

        AssertFailedCleanly(result, "D", "--iterations 0");
        Assert.That(result.Output, Does.Not.Contain("simulating"));
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
            Assert.That(Directory.GetFileSystemEntries(WorkDirectory), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public void Factorize_UnknownBackend_FailsOnOneLineListingTheChoices()
    {
        string input = WriteComponents("X.npy", seed: 31);
        Result result = Run("factorize", input, "-k", "2", "--backend", "cuda", "--out", PathOf("D"));
        AssertFailedCleanly(result, "D", "openblas");
    }
}
