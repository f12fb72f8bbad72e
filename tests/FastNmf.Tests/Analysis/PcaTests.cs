using System.Text.Json;
using FastNmf.Analysis;
using FastNmf.Data;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Analysis;

public sealed class PcaTests
{
    private static readonly string s_golden = Path.Combine(TestContext.CurrentContext.TestDirectory, "Analysis", "Golden", "pca_golden.json");

    public static IEnumerable<TestCaseData> GoldenCases()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(s_golden));
        foreach (JsonElement c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            foreach (PcaMethod method in new[] { PcaMethod.Gram, PcaMethod.Randomized })
            {
                yield return new TestCaseData(c.GetRawText(), method).SetArgDisplayNames(c.GetProperty("name").GetString()!, method.ToString());
            }
        }
    }

    [TestCaseSource(nameof(GoldenCases))]
    public void Spectrum_SmallDeterministicX_MatchesNumPy(string json, PcaMethod method)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement c = doc.RootElement;
        using UnfoldedData x = GoldenX(c);
        double[] expected = c.GetProperty("eigenvalues").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        double[] mse = c.GetProperty("mse").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.That(x.NUv, Is.EqualTo(c.GetProperty("n_uv").GetInt32()), "same mask");
        int k = method == PcaMethod.Gram ? expected.Length : 8;
        PcaSpectrum s = Pca.Spectrum(x, k, new PcaOptions { Method = method });
        Assert.Multiple(() =>
        {
            Assert.That(s.Method, Is.EqualTo(method));
            Assert.That(s.Converged, Is.True);
            Assert.That(s.SumOfSquares, Is.EqualTo(c.GetProperty("sum_of_squares").GetDouble()).Within(1e-9).Percent);
            for (int i = 0; i < k; i++)
            {
                // Float32 products: relative 1e-6, or 1e-7 of λ₁ for the small ones. The randomised method's stopping
                // rule is on the residuals (MSE), which settle before the last Ritz values do.
                double relative = method == PcaMethod.Gram ? 1e-6 : 1e-4;
                Assert.That(s.Eigenvalues[i], Is.EqualTo(expected[i]).Within(Math.Max(relative * expected[i], 1e-7 * expected[0])), $"λ_{i + 1}");
            }

            for (int i = 0; i <= k; i++)
            {
                Assert.That(s.Mse[i], Is.EqualTo(mse[i]).Within(1e-4).Percent, $"MSE_{i}");
            }
        });
    }

    [Test]
    public void Spectrum_RandomizedAndGram_AgreeOnSimulatedData_AndSuggestTheTrueComponentCount()
    {
        var o = new SimulationOptions { ScanRows = 24, ScanCols = 24, DetRows = 48, DetCols = 48, Seed = 3 };
        (Dataset4D data, _) = Simulator.Generate(o);
        using UnfoldedData x = UnfoldedData.Create(data);
        PcaSpectrum gram = Pca.Spectrum(x, 16, new PcaOptions { Method = PcaMethod.Gram });
        PcaSpectrum rand = Pca.Spectrum(x, 16, new PcaOptions { Method = PcaMethod.Randomized, Threads = 2 });
        TestContext.Progress.WriteLine($"PCA MSE k = 0..8: {string.Join(", ", gram.Mse.Take(9).Select(m => m.ToString("F5")))}; randomized {rand.Iterations} iterations");
        Assert.Multiple(() =>
        {
            Assert.That(rand.Converged, Is.True);
            for (int k = 0; k <= 16; k++)
            {
                Assert.That(rand.Mse[k], Is.EqualTo(gram.Mse[k]).Within(1e-3).Percent, $"MSE_{k}");
                Assert.That(rand.Mse[k], Is.GreaterThanOrEqualTo(gram.Mse[k] * (1 - 1e-6)), "Ritz values never exceed the true ones (to float rounding)");
            }

            Assert.That(gram.Mse.Zip(gram.Mse.Skip(1)).All(p => p.Second <= p.First), Is.True, "MSE falls with k");
        });
    }

    [TestCase(PcaMethod.Gram, "Gram matrix: rows 64 of ", "eigenvalues of the ")]
    [TestCase(PcaMethod.Randomized, "Krylov step 1: ", "Krylov step 2: ")]
    public void Spectrum_WithProgress_ReportsEachStage(PcaMethod method, string first, string later)
    {
        (Dataset4D data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 12, ScanCols = 12, DetRows = 32, DetCols = 32, Seed = 3 });
        using UnfoldedData x = UnfoldedData.Create(data);
        var reports = new List<string>();
        Pca.Spectrum(x, 6, new PcaOptions { Method = method, Progress = reports.Add });
        Assert.Multiple(() =>
        {
            Assert.That(reports, Has.Some.StartsWith(first));
            Assert.That(reports, Has.Some.StartsWith(later));
        });
    }

    [Test]
    public void SuggestComponents_WellAboveTheNoise_GivesTheTrueComponentCount()
    {
        // At N = 10⁶ electrons per diffraction even the 1 % crystal stands far above the Poisson noise, whose MSE
        // falls only ~0.4 % per extra component: MSE_4 is within 5 % of MSE_8, MSE_3 is not.
        var o = new SimulationOptions { ScanRows = 24, ScanCols = 24, DetRows = 48, DetCols = 48, Seed = 3, Dose = 1e6 };
        (Dataset4D data, _) = Simulator.Generate(o);
        using UnfoldedData x = UnfoldedData.Create(data);
        PcaSpectrum s = Pca.Spectrum(x, 8, new PcaOptions { Method = PcaMethod.Gram });
        Assert.That(s.SuggestComponents(0.05), Is.EqualTo(o.Components), string.Join(", ", s.Mse.Select(m => m.ToString("G6"))));
    }

    [Test]
    public void SuggestAboveNoise_PaperDose_FindsTheFourComponents()
    {
        // At the paper's N = 10⁴ electrons the Poisson noise is most of the MSE (on the demo set the MSE-fraction rule
        // stops at k = 1), while the four components still stand well above the flat noise tail of the spectrum.
        var o = new SimulationOptions { ScanRows = 24, ScanCols = 24, DetRows = 64, DetCols = 64, Seed = 3 };
        (Dataset4D data, _) = Simulator.Generate(o);
        using UnfoldedData x = UnfoldedData.Create(data);
        PcaSpectrum s = Pca.Spectrum(x, 16, new PcaOptions { Method = PcaMethod.Gram });
        string spectrum = string.Join(", ", s.Eigenvalues.Select(v => v.ToString("G4")));
        Assert.Multiple(() =>
        {
            Assert.That(s.SuggestAboveNoise(1.5), Is.EqualTo(o.Components), spectrum);
            Assert.That(s.NoiseFloor, Is.LessThan(s.Eigenvalues[o.Components - 1] / 1.5));
            Assert.Throws<ArgumentOutOfRangeException>(() => s.SuggestAboveNoise(1.0));
        });
    }

    [Test]
    public void SuggestAboveNoise_FewEigenvalues_FallsBackToTheMseRule()
    {
        using UnfoldedData x = GoldenX(JsonDocument.Parse(File.ReadAllText(s_golden)).RootElement.GetProperty("cases")[0]);
        PcaSpectrum s = Pca.Spectrum(x, 4, new PcaOptions { Method = PcaMethod.Gram });
        Assert.Multiple(() =>
        {
            Assert.That(s.NoiseFloor, Is.Null);
            Assert.That(s.SuggestAboveNoise(1.5), Is.EqualTo(s.SuggestComponents(0.05)));
        });
    }

    [Test]
    public void PcaSpectrum_Checks_CompareNmfWithTheBound()
    {
        using UnfoldedData x = GoldenX(JsonDocument.Parse(File.ReadAllText(s_golden)).RootElement.GetProperty("cases")[0]);
        PcaSpectrum s = Pca.Spectrum(x, 4, new PcaOptions { Method = PcaMethod.Gram });
        double bound = s.Mse[3];
        Assert.Multiple(() =>
        {
            Assert.That(s.IsNmfWithin(bound * 1.0005, 3, 0.001), Is.True);
            Assert.That(s.IsNmfWithin(bound * 1.002, 3, 0.001), Is.False);
            Assert.That(s.FirstNmfWithin(new Dictionary<int, double> { [2] = s.Mse[2] * 1.01, [3] = bound * 1.0001, [4] = s.Mse[4] }, 0.001), Is.EqualTo(3));
            Assert.That(s.FirstNmfWithin(new Dictionary<int, double> { [2] = s.Mse[2] * 1.01 }, 0.001), Is.Null);
            Assert.That(s.Explained(0), Is.EqualTo(0));
            Assert.That(s.Explained(4), Is.GreaterThan(s.Explained(1)));
            Assert.Throws<ArgumentOutOfRangeException>(() => s.IsNmfWithin(double.NaN, 3, 0.001));
            Assert.Throws<ArgumentOutOfRangeException>(() => s.IsNmfWithin(1, 5, 0.001));
            Assert.Throws<ArgumentOutOfRangeException>(() => s.SuggestComponents(-1));
        });
    }

    [TestCase(0)]
    [TestCase(73)]
    public void Spectrum_ComponentCountOutOfRange_Throws(int k)
    {
        using UnfoldedData x = GoldenX(JsonDocument.Parse(File.ReadAllText(s_golden)).RootElement.GetProperty("cases")[0]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Pca.Spectrum(x, k));
        Assert.That(e!.ParamName, Is.EqualTo("maxComponents"));
    }

    [Test]
    public void Spectrum_BadOption_ThrowsNamingIt()
    {
        using UnfoldedData x = GoldenX(JsonDocument.Parse(File.ReadAllText(s_golden)).RootElement.GetProperty("cases")[0]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Pca.Spectrum(x, 2, new PcaOptions { Tolerance = 0 }));
        Assert.That(e!.ParamName, Is.EqualTo("Tolerance"));
    }

    // The same X as make_pca_golden.py.
    private static UnfoldedData GoldenX(JsonElement c)
    {
        int sr = c.GetProperty("scan_rows").GetInt32();
        int sc = c.GetProperty("scan_cols").GetInt32();
        int dr = c.GetProperty("det_rows").GetInt32();
        int dc = c.GetProperty("det_cols").GetInt32();
        double radius = c.GetProperty("mask_radius").GetDouble();
        int nUv = dr * dc;
        var data = new float[sr * sc * nUv];
        for (int j = 0; j < sr * sc; j++)
        {
            for (int p = 0; p < nUv; p++)
            {
                ulong h = ((((ulong)j * 7919) + ((ulong)p * 104729) + ((ulong)j * (ulong)p * 31)) * 2654435761UL) % 4294967296UL;
                data[(j * nUv) + p] = (float)((h >> 28) & 15) + (j % 5 == p % 4 ? 3 : 0);
            }
        }

        var masked = new bool[nUv];
        for (int p = 0; p < nUv; p++)
        {
            int r = (p / dc) - (dr / 2);
            int col = (p % dc) - (dc / 2);
            masked[p] = radius > 0 && (r * r) + (col * col) <= radius * radius;
        }

        return UnfoldedData.Create(new Dataset4D(data, sr, sc, dr, dc), new DetectorMask(masked, dr, dc));
    }
}
