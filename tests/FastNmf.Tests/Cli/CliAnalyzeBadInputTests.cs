using FastNmf.IO;
using NUnit.Framework;

namespace FastNmf.Tests.Cli;

/// <summary><c>analyze</c> and <c>pca</c> on bad input: one line naming the file or option, exit 2, nothing written.</summary>
[TestFixture]
[NonParallelizable]
public sealed class CliAnalyzeBadInputTests : CliHarness
{
    [Test]
    public void Analyze_NoSuchDirectory_FailsNamingIt()
    {
        AssertFailedOneLine(Run("analyze", PathOf("nowhere")), "nowhere");
    }

    [Test]
    public void Analyze_MissingW_FailsNamingWnpy()
    {
        Directory.CreateDirectory(PathOf("E"));
        NpyWriter.Write(PathOf("E/H.npy"), FactorFiles.Maps(), [FactorFiles.Components, FactorFiles.ScanRows, FactorFiles.ScanCols]);

        Result result = Run("analyze", PathOf("E"));

        AssertFailedOneLine(result, "W.npy");
        AssertNothingAdded("E", "H.npy");
    }

    [Test]
    public void Analyze_WWithTwoDimensions_FailsNamingTheShape()
    {
        Directory.CreateDirectory(PathOf("E"));
        NpyWriter.Write(PathOf("E/W.npy"), FactorFiles.Diffractions(), [FactorFiles.Components, FactorFiles.Size * FactorFiles.Size]);

        Result result = Run("analyze", PathOf("E"));

        AssertFailedOneLine(result, "3 dimensions");
        Assert.That(result.Code, Is.EqualTo(2));
        AssertNothingAdded("E", "W.npy");
    }

    [Test]
    public void Analyze_HWithOtherComponentCount_FailsNamingHnpy()
    {
        string dir = FactorFiles.Write(PathOf("E"), maps: false);
        NpyWriter.Write(Path.Combine(dir, "H.npy"), new float[3 * 4 * 4], [3, 4, 4]);

        Result result = Run("analyze", dir);

        AssertFailedOneLine(result, "H.npy");
        Assert.That(result.Error, Does.Contain("4 components"));
        AssertNothingAdded("E", "W.npy", "H.npy");
    }

    [Test]
    public void Analyze_NaNInW_FailsNamingComponentAndElement()
    {
        float[] w = FactorFiles.Diffractions();
        w[(2 * FactorFiles.Size * FactorFiles.Size) + 17] = float.NaN;
        Directory.CreateDirectory(PathOf("E"));
        NpyWriter.Write(PathOf("E/W.npy"), w, [FactorFiles.Components, FactorFiles.Size, FactorFiles.Size]);

        Result result = Run("analyze", PathOf("E"));

        AssertFailedOneLine(result, "diffraction 2, element 17");
        AssertNothingAdded("E", "W.npy");
    }

    [Test]
    public void Analyze_OneComponent_FailsSayingTwoAreNeeded()
    {
        Directory.CreateDirectory(PathOf("E"));
        NpyWriter.Write(PathOf("E/W.npy"), FactorFiles.Diffractions().AsSpan(0, FactorFiles.Size * FactorFiles.Size), [1, FactorFiles.Size, FactorFiles.Size]);

        AssertFailedOneLine(Run("analyze", PathOf("E")), "at least 2");
        AssertNothingAdded("E", "W.npy");
    }

    [Test]
    public void Analyze_AllZeroDiffraction_FailsAndAddsNothing()
    {
        float[] w = FactorFiles.Diffractions();
        Array.Clear(w, FactorFiles.Size * FactorFiles.Size, FactorFiles.Size * FactorFiles.Size);
        Directory.CreateDirectory(PathOf("E"));
        NpyWriter.Write(PathOf("E/W.npy"), w, [FactorFiles.Components, FactorFiles.Size, FactorFiles.Size]);

        Result result = Run("analyze", PathOf("E"));

        AssertFailedOneLine(result, "diffraction 1");
        AssertNothingAdded("E", "W.npy");
    }

    [TestCase("--linkage", "median", "median")]
    [TestCase("--cluster-by", "euclid", "euclid")]
    [TestCase("--centre", "1;2", "--centre")]
    [TestCase("--centre", "500,2", "outside")]
    [TestCase("--probe-fwhm", "2", "--scan-step")]
    public void Analyze_BadOption_FailsNamingIt(string option, string value, string keyword)
    {
        string dir = FactorFiles.Write(PathOf("E"), maps: false);

        AssertFailedOneLine(Run("analyze", dir, option, value), keyword);
        AssertNothingAdded("E", "W.npy");
    }

    [Test]
    public void Analyze_CutAndClusters_FailAsConflicting()
    {
        string dir = FactorFiles.Write(PathOf("E"), maps: false);

        AssertFailedOneLine(Run("analyze", dir, "--cut", "0.3", "--clusters", "2"), "--clusters");
    }

    [Test]
    public void Analyze_OutAndForce_FailAsConflicting()
    {
        string dir = FactorFiles.Write(PathOf("E"), maps: false);

        AssertFailedCleanly(Run("analyze", dir, "--out", PathOf("A"), "--force"), "A", "--force");
    }

    [Test]
    public void Analyze_TruthOfAnotherDetector_FailsNamingWtrue()
    {
        string dir = FactorFiles.Write(PathOf("E"), maps: true);
        Directory.CreateDirectory(PathOf("T"));
        NpyWriter.Write(PathOf("T/W_true.npy"), new float[2 * 8 * 8], [2, 8, 8]);
        NpyWriter.Write(PathOf("T/H_true.npy"), new float[2 * 6 * 5], [2, 6, 5]);
        File.WriteAllText(PathOf("T/truth.json"), "{\"components\": [\"a\", \"b\"]}");

        AssertFailedOneLine(Run("analyze", dir, "--truth", PathOf("T")), "W_true.npy");
        AssertNothingAdded("E", "W.npy", "H.npy");
    }

    [Test]
    public void Pca_MaxComponentsAboveTheSmallerSide_FailsNamingTheLimit()
    {
        string input = WriteSimulated("X.npy");

        AssertFailedCleanly(Run("pca", input, "--max-components", "500", "--out", PathOf("P")), "P", "--max-components");
    }

    [Test]
    public void Pca_PlotFileExists_FailsWithoutTouchingIt()
    {
        string input = WriteSimulated("X.npy");
        File.WriteAllText(PathOf("scree.png"), "mine");

        AssertFailedOneLine(Run("pca", input, "--plot", PathOf("scree.png")), "scree.png");
        Assert.That(File.ReadAllText(PathOf("scree.png")), Is.EqualTo("mine"));
    }

    private void AssertNothingAdded(string dir, params string[] expected)
    {
        Assert.That(Directory.GetFileSystemEntries(PathOf(dir)).Select(Path.GetFileName), Is.EquivalentTo(expected), "files in " + dir);
    }
}
