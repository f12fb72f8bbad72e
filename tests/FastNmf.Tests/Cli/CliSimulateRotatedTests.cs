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

    [Test]
    public void Simulate_LatticeCopiesInPatches_RecordsEachCopysLattice()
    {
        string truth = PathOf("T");
        Result result = Run("simulate", "--out", PathOf("X.npy"), "--truth", truth, "--scan-rows", "16", "--scan-cols", "16", "--det-rows", "32", "--det-cols", "32",
            "--lattice-copies", "A:2,c:1", "--layout", "patches", "--crystallinity", "0.1,0.05", "--seed", "4");
        Assert.That(result.Code, Is.Zero, result.ToString());
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(truth, "truth.json")));
        double[] angles = json.RootElement.GetProperty("rotations_deg").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(json.RootElement.GetProperty("lattices").EnumerateArray().Select(v => v.GetInt32()), Is.EqualTo(new[] { 0, 1, 2, 3, 1, 1, 3 }));
            Assert.That(angles[4], Is.InRange(18, 36), "copy 1 of 2 of the square lattice: about 90°/3");
            Assert.That(angles[5], Is.InRange(48, 66), "copy 2 of 2");
            Assert.That(angles[6], Is.InRange(54, 126), "the rectangular lattice's one copy: about 180°/2");
        });
    }

    [Test]
    public void Simulate_PresetK30_WritesThirtyComponents_AndRefusesGeometryBesideIt()
    {
        string truth = PathOf("T");
        Result clash = Run("simulate", "--out", PathOf("Y.npy"), "--preset", "k30", "--scan-rows", "20");
        Assert.That(clash.Code, Is.EqualTo(2), clash.ToString());
        Assert.That(clash.Error, Does.Contain("--scan-rows"));
        Result result = Run("simulate", "--out", PathOf("X.npy"), "--truth", truth, "--preset", "k30", "--dtype", "uint16", "--seed", "2");
        Assert.That(result.Code, Is.Zero, result.ToString());
        Assert.That(NpyReader.ReadFloat32(Path.Combine(truth, "W_true.npy")).Shape, Is.EqualTo(new long[] { 30, 128, 128 }));
    }

    [TestCase("A9")]
    [TestCase("G:2")]
    [TestCase("B:0")]
    [TestCase("B:x")]
    [TestCase("A:40,B:30")]
    public void Simulate_BadLatticeCopies_IsOneLineErrorNamingTheOption(string copies)
    {
        Result result = Run("simulate", "--out", PathOf("X.npy"), "--lattice-copies", copies);
        Assert.Multiple(() =>
        {
            Assert.That(result.Code, Is.EqualTo(2), result.ToString());
            Assert.That(result.Error, Does.Contain("--lattice-copies"));
            Assert.That(File.Exists(PathOf("X.npy")), Is.False);
        });
    }
}
