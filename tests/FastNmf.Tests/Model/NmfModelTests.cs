using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Model;

/// <summary>
/// A fitted model projects frames as the factorization's H-step does: against an independent double-precision oracle
/// of [(WᵀW)⁻¹WᵀX]₊, against the fitted H on the data it was fitted to, for float32 and uint16 frames, masked
/// detectors and any block partition, with the residual ‖x − Wh‖² and without allocating per call.
/// </summary>
public sealed class NmfModelTests
{
    private static (Dataset4D Data, SimulatedTruth Truth) s_sim;
    private static NmfResult s_fit = null!;

    [OneTimeSetUp]
    public static void Fit()
    {
        s_sim = Simulator.Generate(new SimulationOptions { ScanRows = 12, ScanCols = 12, DetRows = 24, DetCols = 24, Dose = 2000, Seed = 6 });
        using UnfoldedData x = UnfoldedData.Create(s_sim.Data);
        s_fit = Factorizer.Run(x, new NmfOptions { Components = 4, Iterations = 60, Restarts = 2, Seed = 1, Threads = 2 });
    }

    [Test]
    public void Project_WithoutMapConstraint_EqualsADoubleOracleOfTheProjection()
    {
        NmfModel model = s_fit.Model.WithMapConstraint(MapConstraint.NonNegative);
        using UnfoldedData x = UnfoldedData.Create(s_sim.Data);
        Projection p = model.Project(x);
        (double[] h, double[] residual) = Oracle(model, s_sim.Data);
        double scale = h.Max();
        Assert.Multiple(() =>
        {
            Assert.That(p.MapConstraintApplied, Is.False);
            for (int i = 0; i < h.Length; i++)
            {
                Assert.That(p.H[i], Is.EqualTo(h[i]).Within(1e-5 * scale), $"h[{i}]");
            }

            for (int j = 0; j < residual.Length; j++)
            {
                Assert.That(p.Residual[j], Is.EqualTo(residual[j]).Within(1e-5 * residual.Max()), $"residual[{j}]");
            }
        });
    }

    [Test]
    public void Project_TheDataItWasFittedTo_GivesTheFittedH()
    {
        // The fitted H is the last H-step with the final W, which the model's whole-scan projection repeats.
        using UnfoldedData x = UnfoldedData.Create(s_sim.Data);
        Projection p = s_fit.Model.Project(x);
        double scale = s_fit.H.Max();
        Assert.Multiple(() =>
        {
            Assert.That(p.MapConstraintApplied, Is.True);
            Assert.That(p.Mse, Is.EqualTo(s_fit.Mse).Within(1e-4).Percent, "the projection's MSE is the fit's");
            for (int i = 0; i < p.H.Length; i++)
            {
                Assert.That(p.H[i], Is.EqualTo(s_fit.H[i]).Within(2e-5 * scale), $"H[{i}]");
            }
        });
    }

    [Test]
    public void Projector_AnyBlocks_Float32AndUInt16_GiveTheWholeScanProjection()
    {
        NmfModel model = s_fit.Model;
        NmfModel plain = model.WithMapConstraint(MapConstraint.NonNegative);
        using UnfoldedData x = UnfoldedData.Create(s_sim.Data);
        Projection whole = plain.Project(x);
        int k = model.Components, n = x.NXy, pixels = model.Pixels.DetectorPixels;
        ushort[] counts = s_sim.Data.Data.Select(v => (ushort)v).ToArray();
        using ModelProjector projector = model.CreateProjector(maxFramesPerCall: 7);
        var h = new float[n * k];
        var residual = new double[n];
        var h16 = new float[n * k];
        var residual16 = new double[n];
        // Uneven blocks: 1, 5, 11, ... frames, each call longer or shorter than the projector's step.
        for (int first = 0, size = 1; first < n; first += size, size = (size * 2) + 3)
        {
            int count = Math.Min(size, n - first);
            projector.Project(s_sim.Data.Data.AsSpan(first * pixels, count * pixels), h.AsSpan(first * k, count * k), residual.AsSpan(first, count));
            projector.Project(counts.AsSpan(first * pixels, count * pixels), h16.AsSpan(first * k, count * k), residual16.AsSpan(first, count));
        }

        Assert.Multiple(() =>
        {
            Assert.That(h16, Is.EqualTo(h).AsCollection, "uint16 frames give the bits of float32 frames");
            Assert.That(residual16, Is.EqualTo(residual).AsCollection);
            for (int j = 0; j < n; j++)
            {
                for (int c = 0; c < k; c++)
                {
                    Assert.That(h[(j * k) + c], Is.EqualTo(whole.H[(c * n) + j]).Within(1e-6 * whole.H.Max()), $"frame {j}, component {c}");
                }

                Assert.That(residual[j], Is.EqualTo(whole.Residual[j]).Within(1e-9 * whole.Residual.Max()), $"residual {j}");
            }
        });
    }

    [Test]
    public void Projector_MaskedModel_IgnoresTheMaskedPixels()
    {
        var masked = new bool[24 * 24];
        for (int i = 0; i < masked.Length; i += 7)
        {
            masked[i] = true;
        }

        PixelMap pixels = PixelMap.FromMasked(24, 24, masked, 12, 12);
        NmfModel model = NmfModel.Create(s_fit.W, s_fit.Components, pixels, MapConstraint.NonNegative);
        float[] frame = s_sim.Data.Data.AsSpan(0, 576).ToArray();
        float[] garbage = (float[])frame.Clone();
        for (int i = 0; i < garbage.Length; i += 7)
        {
            garbage[i] = 1e6f;
        }

        using ModelProjector projector = model.CreateProjector();
        float[] a = new float[4], b = new float[4];
        double[] ra = new double[1], rb = new double[1];
        projector.Project(frame, a, ra);
        projector.Project(garbage, b, rb);
        Assert.Multiple(() =>
        {
            Assert.That(b, Is.EqualTo(a).AsCollection);
            Assert.That(rb, Is.EqualTo(ra).AsCollection);
            Assert.That(model.Pixels.KeptCount, Is.EqualTo(576 - 83));
        });
    }

    [Test]
    public void Projector_Call_AllocatesNothing()
    {
        using ModelProjector projector = s_fit.Model.CreateProjector(16);
        float[] frames = s_sim.Data.Data.AsSpan(0, 40 * 576).ToArray();
        var h = new float[40 * 4];
        var r = new double[40];
        projector.Project(frames, h, r);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            projector.Project(frames, h, r);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Project_OtherDetector_IsRefusedNamingBothGeometries()
    {
        (Dataset4D other, _) = Simulator.Generate(new SimulationOptions { ScanRows = 4, ScanCols = 4, DetRows = 16, DetCols = 16, Seed = 1 });
        using UnfoldedData x = UnfoldedData.Create(other);
        Assert.That(() => s_fit.Model.Project(x), Throws.ArgumentException.With.Message.Contains("16×16").And.Message.Contains("24×24"));
        using ModelProjector projector = s_fit.Model.CreateProjector();
        Assert.That(() => projector.Project(new float[100], new float[4], default), Throws.ArgumentException.With.Message.Contains("whole number"));
    }

    // [(WᵀW)⁻¹ Wᵀ x]₊ and ‖x − Wh‖² per frame, in double, from the model's W alone.
    private static (double[] H, double[] Residual) Oracle(NmfModel model, Dataset4D data)
    {
        int k = model.Components, n = data.ScanRows * data.ScanCols, p = data.DetRows * data.DetCols;
        float[] w = model.W;
        var g = new double[k, k];
        for (int a = 0; a < k; a++)
        {
            for (int b = 0; b < k; b++)
            {
                double s = 0;
                for (int u = 0; u < p; u++)
                {
                    s += (double)w[(a * p) + u] * w[(b * p) + u];
                }

                g[a, b] = s;
            }
        }

        double[,] inv = Invert(g);
        var h = new double[k * n];
        var residual = new double[n];
        for (int j = 0; j < n; j++)
        {
            var wx = new double[k];
            for (int c = 0; c < k; c++)
            {
                for (int u = 0; u < p; u++)
                {
                    wx[c] += (double)w[(c * p) + u] * data.Data[((long)j * p) + u];
                }
            }

            var hj = new double[k];
            for (int c = 0; c < k; c++)
            {
                double s = 0;
                for (int d = 0; d < k; d++)
                {
                    s += inv[c, d] * wx[d];
                }

                hj[c] = Math.Max(0, s);
                h[(c * n) + j] = hj[c];
            }

            double r = 0;
            for (int u = 0; u < p; u++)
            {
                double e = data.Data[((long)j * p) + u];
                for (int c = 0; c < k; c++)
                {
                    e -= (double)w[(c * p) + u] * hj[c];
                }

                r += e * e;
            }

            residual[j] = r;
        }

        return (h, residual);
    }

    private static double[,] Invert(double[,] a)
    {
        int n = a.GetLength(0);
        var m = new double[n, 2 * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                m[i, j] = a[i, j];
            }

            m[i, n + i] = 1;
        }

        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[pivot, c]))
                {
                    pivot = r;
                }
            }

            for (int j = 0; j < 2 * n; j++)
            {
                (m[c, j], m[pivot, j]) = (m[pivot, j], m[c, j]);
            }

            double d = m[c, c];
            for (int j = 0; j < 2 * n; j++)
            {
                m[c, j] /= d;
            }

            for (int r = 0; r < n; r++)
            {
                if (r != c)
                {
                    double f = m[r, c];
                    for (int j = 0; j < 2 * n; j++)
                    {
                        m[r, j] -= f * m[c, j];
                    }
                }
            }
        }

        var inv = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                inv[i, j] = m[i, n + j];
            }
        }

        return inv;
    }
}
