using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.Cli;

/// <summary><c>fastnmf project</c> and <c>factorize --init-from</c>: a fitted model applied to data, from its output directory.</summary>
[TestFixture]
[NonParallelizable]
public sealed class CliProjectTests : CliHarness
{
    [Test]
    public void Project_MapConstraintNone_EqualsNumPysProjectionFromWNpy()
    {
        string input = WriteSimulated("X.npy");
        string fit = PathOf("fit");
        string projected = PathOf("proj");
        Assert.That(Run("factorize", input, "-k", "4", "--out", fit, "--iterations", "30", "--restarts", "2", "--report", "false").Code, Is.Zero);

        Result result = Run("project", fit, input, "--out", projected, "--map-constraint", "none");

        Assert.That(result.Code, Is.Zero, result.ToString());
        foreach (string f in new[] { "H.npy", "residual.npy", "results.h5", "summary.json" })
        {
            Assert.That(File.Exists(Path.Combine(projected, f)), Is.True, f);
        }

        // Independently: W from W.npy, X from the input, h = max((WᵀW)⁻¹ Wᵀ x, 0) in float64, and the mean squared residual.
        PythonTool.Run("""
            import sys, numpy as np
            fit, inp, proj = sys.argv[1:4]
            W = np.load(fit + '/W.npy').astype(np.float64); k = W.shape[0]; W = W.reshape(k, -1)
            X = np.load(inp).astype(np.float64); X = X.reshape(X.shape[0] * X.shape[1], -1).T
            H = np.maximum(np.linalg.solve(W @ W.T, W @ X), 0)
            got = np.load(proj + '/H.npy').astype(np.float64).reshape(k, -1)
            assert np.allclose(got, H, rtol=1e-4, atol=1e-4 * H.max()), np.abs(got - H).max()
            R = ((X - W.T @ H) ** 2).mean(axis=0)
            res = np.load(proj + '/residual.npy').astype(np.float64).reshape(-1)
            assert np.allclose(res, R, rtol=1e-3, atol=1e-4 * R.max()), np.abs(res - R).max()
            """, ["numpy"], fit, input, projected);
    }

    [Test]
    public void Project_WithTheModelsMapConstraint_ReproducesTheFittedMaps()
    {
        string input = WriteSimulated("X.npy");
        string fit = PathOf("fit");
        string projected = PathOf("proj");
        Assert.That(Run("factorize", input, "-k", "4", "--out", fit, "--iterations", "30", "--restarts", "1", "--report", "false").Code, Is.Zero);

        Result result = Run("project", fit, input, "--out", projected);

        Assert.That(result.Code, Is.Zero, result.ToString());
        float[] fitted = NpyReader.ReadFloat32(Path.Combine(fit, "H.npy")).Data;
        NpyArray h = NpyReader.ReadFloat32(Path.Combine(projected, "H.npy"));
        Assert.Multiple(() =>
        {
            Assert.That(h.Shape, Is.EqualTo(new long[] { 4, 12, 12 }));
            Assert.That(h.Data, Is.EqualTo(fitted).Within(1e-4 * fitted.Max()));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(projected, "residual.npy")).Shape, Is.EqualTo(new long[] { 12, 12 }));
            Assert.That(ReadSummary(projected).GetProperty("map_constraint").GetString(), Is.EqualTo("Convolution"));
        });
    }

    [Test]
    public void Project_ModelWithoutResultsH5_LoadsWNpyAndSummaryJson()
    {
        string input = WriteSimulated("X.npy");
        string fit = PathOf("fit");
        Assert.That(Run("factorize", input, "-k", "3", "--out", fit, "--iterations", "10", "--restarts", "1", "--report", "false", "--mask-radius", "3").Code, Is.Zero);
        string viaH5 = PathOf("a");
        Assert.That(Run("project", fit, input, "--out", viaH5).Code, Is.Zero);
        File.Delete(Path.Combine(fit, "results.h5"));
        string viaJson = PathOf("b");

        Result result = Run("project", fit, input, "--out", viaJson);

        Assert.That(result.Code, Is.Zero, result.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(result.Output, Does.Contain("W.npy + summary.json").And.Contain("kept pixels"));
            Assert.That(NpyReader.ReadFloat32(Path.Combine(viaJson, "H.npy")).Data, Is.EqualTo(NpyReader.ReadFloat32(Path.Combine(viaH5, "H.npy")).Data).AsCollection,
                "the same model either way: mask, kernel and centre");
        });
    }

    [Test]
    public void Project_OtherDetector_IsOneErrorNamingBothShapes()
    {
        string input = WriteSimulated("X.npy");
        string fit = PathOf("fit");
        Assert.That(Run("factorize", input, "-k", "3", "--out", fit, "--iterations", "5", "--restarts", "1", "--report", "false").Code, Is.Zero);

        Result result = Run("project", fit, input, "--out", PathOf("p"), "--bin-detector", "2");

        AssertFailedOneLine(result, "16×16");
        Assert.That(result.Error, Does.Contain("32×32"));
        Assert.That(Directory.Exists(PathOf("p")), Is.False, "nothing written");
    }

    [Test]
    public void Project_MaskOptions_AreRefused_TheModelsMaskApplies()
    {
        string input = WriteSimulated("X.npy");
        string fit = PathOf("fit");
        Assert.That(Run("factorize", input, "-k", "3", "--out", fit, "--iterations", "5", "--restarts", "1", "--report", "false").Code, Is.Zero);

        AssertFailedOneLine(Run("project", fit, input, "--out", PathOf("p"), "--mask-dead-hot"), "model's own mask");
    }

    [Test]
    public void Factorize_InitFrom_StartsAtThePreviousRunsFit()
    {
        string input = WriteSimulated("X.npy");
        string fit = PathOf("fit");
        Assert.That(Run("factorize", input, "-k", "4", "--out", fit, "--iterations", "60", "--restarts", "1", "--report", "false").Code, Is.Zero);
        string again = PathOf("again");

        Result result = Run("factorize", input, "-k", "4", "--out", again, "--iterations", "2", "--restarts", "1", "--report", "false", "--init-from", fit);

        Assert.That(result.Code, Is.Zero, result.ToString());
        double before = ReadSummary(fit).GetProperty("final_mse").GetDouble();
        double first = ReadSummary(again).GetProperty("history").GetProperty("mse")[0].GetDouble();
        Assert.Multiple(() =>
        {
            Assert.That(result.Output, Does.Contain("warm start: restart 0 from"));
            Assert.That(first, Is.EqualTo(before).Within(1).Percent);
        });
        AssertFailedOneLine(Run("factorize", input, "-k", "5", "--out", PathOf("x"), "--init-from", fit), "k = 4");
    }
}
