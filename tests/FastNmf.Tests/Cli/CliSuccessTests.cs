using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FastNmf.Cli;
using FastNmf.IO;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Cli;

/// <summary>Success paths: every documented file is written and the run is reported.</summary>
[TestFixture]
[NonParallelizable]
public sealed class CliSuccessTests : CliHarness
{

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

        // The demo's report is checked by CliReportRecoveryTests (Slow) and CI's quick start; here only the run itself.
        Result result = Run("demo", "--out", output, "--iterations", "3", "--restarts", "1", "--report", "false");

        Assert.That(result.Code, Is.Zero, result.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.Empty);
            Assert.That(result.Output, Does.Contain("recovery against the truth"));
            Assert.That(result.Output, Does.Match(@"backend (managed|openblas|mkl), X stored (dense|uint16|sparse)"));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(output, "W.npy")).Shape, Is.EqualTo(new long[] { 4, 128, 128 }));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(output, "H.npy")).Shape, Is.EqualTo(new long[] { 4, 36, 36 }));
            Assert.That(File.Exists(Path.Combine(output, "truth", "W_true.npy")), Is.True);
            Assert.That(File.Exists(Path.Combine(output, "report.html")), Is.False, "--report false");
            Assert.That(ReadSummary(output).GetProperty("truth_comparison").GetArrayLength(), Is.EqualTo(4));
            Assert.That(PartialSiblings("D"), Is.Empty);
        });
    }

    [Test]
    public void Backends_ListsEveryBackendTheLaneWidthsAndWhatAutoPicks()
    {
        Result result = Run("backends");

        Assert.Multiple(() =>
        {
            Assert.That(result.Code, Is.Zero, result.ToString());
            Assert.That(result.Output, Does.Contain("managed: available"));
            Assert.That(result.Output, Does.Contain("OpenBlas:").And.Contain("Mkl:"));
            Assert.That(result.Output, Does.Contain($"lane widths (dense and sparse kernels): {string.Join(", ", FastNmf.Kernels.KernelSet.AvailableLaneWidths)}"));
            Assert.That(result.Output, Does.Match(@"auto prefers (managed|a native BLAS)"));
            Assert.That(result.Output, Does.Contain("auto: backend "));
            Assert.That(result.Output, Does.Match(@"FFT for the diffraction similarity \(φ cross-correlation\): (MKL DFTI|FftSharp)"));
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
            Assert.That(result.Output, Does.Contain($"fastnmf {verb} "), "the usage line names the program as the user types it");
            Assert.That(result.Error, Is.Empty);
            Assert.That(Directory.GetFileSystemEntries(WorkDirectory), Is.Empty);
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
}
