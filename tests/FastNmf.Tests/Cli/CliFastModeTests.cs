using System.Text.Json;
using NUnit.Framework;

namespace FastNmf.Tests.Cli;

/// <summary>The fast mode from the command line: the preset, the levers one by one, what summary.json records, and the
/// usage errors of a lever given without the one it belongs to.</summary>
[TestFixture]
[NonParallelizable]
public sealed class CliFastModeTests : CliHarness
{
    [Test]
    public void Factorize_Fast_RunsTheCoarseStageAndTheTrial_AndRecordsThem()
    {
        // 16×16 positions: binned 2×2, 8×8 — the smallest coarse scan the preset uses.
        string input = PathOf("X16.npy");
        Assert.That(Run("simulate", "--out", input, "--scan-rows", "16", "--scan-cols", "16", "--det-rows", "24", "--det-cols", "24").Code, Is.Zero);
        string output = PathOf("F");
        Result result = Run("factorize", input, "-k", "4", "--out", output, "--iterations", "120", "--fast", "--report", "false");
        Assert.That(result.Code, Is.Zero, result.ToString());
        JsonElement s = ReadSummary(output);
        JsonElement coarse = s.GetProperty("coarse_stage");
        Assert.Multiple(() =>
        {
            Assert.That(result.Output, Does.Contain("coarse stage: the scan binned 2×2 (8×8)"));
            Assert.That(result.Output, Does.Contain("pruned at MSE"));
            Assert.That(s.GetProperty("coarse_scan").GetInt32(), Is.EqualTo(2));
            Assert.That(s.GetProperty("fine_iterations").GetInt32(), Is.EqualTo(FastPreset.FineIterations));
            Assert.That(s.GetProperty("trial_iterations").GetInt32(), Is.EqualTo(FastPreset.TrialIterations));
            Assert.That(coarse.GetProperty("iterations").GetInt32(), Is.EqualTo(120 - FastPreset.FineIterations));
            Assert.That(coarse.GetProperty("restarts_detail").EnumerateArray().Count(r => r.GetProperty("pruned").GetBoolean()), Is.EqualTo(9));
            Assert.That(s.GetProperty("restarts_detail").GetArrayLength(), Is.EqualTo(1), "the full scan: one restart from the coarse diffractions");
        });
    }

    [Test]
    public void Factorize_Fast_WithKeepRestartsAndFineIterations_UsesThem()
    {
        string input = PathOf("X16.npy");
        Assert.That(Run("simulate", "--out", input, "--scan-rows", "16", "--scan-cols", "16", "--det-rows", "24", "--det-cols", "24").Code, Is.Zero);
        string output = PathOf("F");
        Result result = Run("factorize", input, "-k", "4", "--out", output, "--iterations", "100", "--fast", "--keep-restarts", "3", "--fine-iterations", "30", "--report", "false");
        Assert.That(result.Code, Is.Zero, result.ToString());
        JsonElement s = ReadSummary(output);
        JsonElement coarse = s.GetProperty("coarse_stage");
        Assert.Multiple(() =>
        {
            Assert.That(s.GetProperty("fine_iterations").GetInt32(), Is.EqualTo(30));
            Assert.That(s.GetProperty("restarts_kept").GetInt32(), Is.EqualTo(3));
            Assert.That(coarse.GetProperty("iterations").GetInt32(), Is.EqualTo(70));
            Assert.That(coarse.GetProperty("restarts_detail").EnumerateArray().Count(r => r.GetProperty("pruned").GetBoolean()), Is.EqualTo(7));
        });
    }

    [Test]
    public void Factorize_TrialOnly_PrunesAllButTheKept()
    {
        string input = WriteSimulated("X.npy");
        string output = PathOf("T");
        Result result = Run("factorize", input, "-k", "4", "--out", output, "--iterations", "30", "--restarts", "4", "--trial-iterations", "5", "--keep-restarts", "2", "--report", "false");
        Assert.That(result.Code, Is.Zero, result.ToString());
        JsonElement[] restarts = [.. ReadSummary(output).GetProperty("restarts_detail").EnumerateArray()];
        Assert.Multiple(() =>
        {
            Assert.That(restarts.Count(r => r.GetProperty("pruned").GetBoolean()), Is.EqualTo(2));
            Assert.That(restarts.Where(r => r.GetProperty("pruned").GetBoolean()).Select(r => r.GetProperty("iterations").GetInt32()), Is.All.EqualTo(5));
            Assert.That(restarts.Where(r => !r.GetProperty("pruned").GetBoolean()).Select(r => r.GetProperty("iterations").GetInt32()), Is.All.EqualTo(30));
        });
    }

    [TestCase("--keep-restarts", "2", "needs --trial-iterations")]
    [TestCase("--fine-iterations", "20", "needs --coarse-scan")]
    public void Factorize_LeverWithoutItsOwner_IsAUsageError(string option, string value, string message)
    {
        string input = WriteSimulated("X.npy");
        Result result = Run("factorize", input, "-k", "4", "--out", PathOf("U"), option, value);
        AssertFailedCleanly(result, "U", message);
        Assert.That(result.Code, Is.EqualTo(2));
    }

    [TestCase("--trial-iterations", "500", "--trial-iterations 500")]
    [TestCase("--coarse-scan", "1", "--coarse-scan 1")]
    public void Factorize_LeverOutOfRange_NamesTheOption(string option, string value, string named)
    {
        string input = WriteSimulated("X.npy");
        Result result = Run("factorize", input, "-k", "4", "--out", PathOf("R"), option, value);
        AssertFailedCleanly(result, "R", named);
    }
}
