using System.Text.Json;
using FastNmf.IO;
using NUnit.Framework;

namespace FastNmf.Tests.Cli;

/// <summary><c>simulate --rotated-copies</c>: the extra components and the angles recorded in truth.json.</summary>
[TestFixture]
[NonParallelizable]
public sealed class CliSimulateRotatedTests : CliHarness
{
    [Test]
    public void Simulate_RotatedCopies_WritesTheCopiesAndRecordsTheirAngles()
    {
        string input = PathOf("X.npy");
        string truth = PathOf("T");
        Result result = Run("simulate", "--out", input, "--truth", truth, "--scan-rows", "12", "--scan-cols", "12", "--det-rows", "32", "--det-cols", "32",
            "--crystals", "1", "--rotated-copies", "0,30.5,-12");
        Assert.That(result.Code, Is.Zero, result.ToString());
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(truth, "truth.json")));
        Assert.Multiple(() =>
        {
            Assert.That(NpyReader.ReadFloat32(Path.Combine(truth, "W_true.npy")).Shape, Is.EqualTo(new long[] { 5, 32, 32 }));
            Assert.That(json.RootElement.GetProperty("rotations_deg").EnumerateArray().Select(v => v.GetDouble()), Is.EqualTo(new[] { 0, 0, 0, 30.5, -12 }));
            Assert.That(json.RootElement.GetProperty("lattices").EnumerateArray().Select(v => v.GetInt32()), Is.EqualTo(new[] { 0, 1, 4, 4, 4 }));
            Assert.That(json.RootElement.GetProperty("rotational_symmetry").EnumerateArray().Select(v => v.GetInt32()), Is.EqualTo(new[] { 0, 4, 2, 2, 2 }));
            Assert.That(json.RootElement.GetProperty("components")[3].GetString(), Is.EqualTo("crystal D (oblique) rotated +30.5°"));
        });
    }

    [TestCase("10,abc", "--rotated-copies")]
    [TestCase("10", "RotatedLattice", "--rotated-lattice", "9")]
    public void Simulate_BadRotatedCopies_IsOneLineErrorNamingTheOption(string angles, string named, params string[] extra)
    {
        Result result = Run(["simulate", "--out", PathOf("X.npy"), "--rotated-copies", angles, .. extra]);
        Assert.Multiple(() =>
        {
            Assert.That(result.Code, Is.EqualTo(2), result.ToString());
            Assert.That(result.Error, Does.StartWith("fastnmf: error:"));
            Assert.That(result.Error, Does.Contain(named));
            Assert.That(File.Exists(PathOf("X.npy")), Is.False);
        });
    }
}
