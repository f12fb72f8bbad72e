using FastNmf.Constraints;
using FastNmf.Data;
using FastNmf.Live;
using FastNmf.Simulation;
using NUnit.Framework;

namespace FastNmf.Tests.Live;

/// <summary>
/// A live projection gives, once every row is in, the whole-scan projection's maps and residuals bit for bit, whatever
/// the blocks and their order; rows become final as soon as their neighbourhood is in; lost frames are NaN and enter
/// their neighbours' [·]_H as 0; misuse is one clear error.
/// </summary>
public sealed class LiveProjectionTests
{
    private static Dataset4D s_data = null!;
    private static NmfModel s_model = null!;

    [OneTimeSetUp]
    public static void Fit()
    {
        (s_data, _) = Simulator.Generate(new SimulationOptions { ScanRows = 11, ScanCols = 9, DetRows = 20, DetCols = 20, Dose = 2000, Seed = 4 });
        using UnfoldedData x = UnfoldedData.Create(s_data);
        NmfResult fit = Factorizer.Run(x, new NmfOptions { Components = 4, Iterations = 40, Restarts = 1, Seed = 2, Threads = 2 });
        s_model = fit.Model;
    }

    [TestCase(MapConstraint.Convolution, 1, false, 1)]
    [TestCase(MapConstraint.Convolution, 7, true, 1)]
    [TestCase(MapConstraint.Convolution, 300, false, 1)]
    [TestCase(MapConstraint.Convolution, 300, false, 2)]
    [TestCase(MapConstraint.Convolution, 50, true, 2)]
    [TestCase(MapConstraint.NonNegative, 5, true, 1)]
    [TestCase(MapConstraint.None, 13, false, 1)]
    public void Push_EveryFrameInBlocks_EqualsTheWholeScanProjectionBitForBit(MapConstraint constraint, int block, bool reversed, int threads)
    {
        NmfModel model = constraint == MapConstraint.Convolution ? s_model : s_model.WithMapConstraint(constraint);
        using UnfoldedData x = UnfoldedData.Create(s_data);
        Projection whole = model.Project(x, 1);
        using var live = new LiveProjection(model, s_data.ScanRows, s_data.ScanCols, threads);
        int n = s_data.NXy, pixels = s_data.NUv;
        var starts = Enumerable.Range(0, (n + block - 1) / block).Select(i => i * block).ToList();
        if (reversed)
        {
            starts.Reverse();
        }

        foreach (int first in starts)
        {
            int count = Math.Min(block, n - first);
            live.Push(s_data.Data.AsSpan(first * pixels, count * pixels), first);
        }

        Assert.That(live.FinalRows, Is.EqualTo(s_data.ScanRows), "every row is final once every frame is in");
        live.Complete();
        Projection p = live.ToProjection();
        Assert.Multiple(() =>
        {
            Assert.That(p.MapConstraintApplied, Is.EqualTo(whole.MapConstraintApplied));
            Assert.That(p.H, Is.EqualTo(whole.H).AsCollection, "maps");
            Assert.That(p.Residual, Is.EqualTo(whole.Residual).AsCollection, "residuals");
            Assert.That(live.Lost, Is.Zero);
            Assert.That(live.Received, Is.EqualTo(n));
        });
    }

    [Test]
    public void Push_UInt16Frames_EqualTheFloat32Frames()
    {
        ushort[] counts = s_data.Data.Select(v => (ushort)v).ToArray();
        using var a = new LiveProjection(s_model, s_data.ScanRows, s_data.ScanCols);
        using var b = new LiveProjection(s_model, s_data.ScanRows, s_data.ScanCols);
        a.Push(s_data.Data, 0);
        b.Push(counts, 0);
        a.Complete();
        b.Complete();
        Assert.That(b.ToProjection().H, Is.EqualTo(a.ToProjection().H).AsCollection);
    }

    [Test]
    public void Push_RowByRow_FinishesEachRowOnceTheRowsWithinTheKernelAreIn()
    {
        // The paper's 3×3 kernel reaches one row: row r is final when row r + 1 is in (the last row when it is).
        int cols = s_data.ScanCols, pixels = s_data.NUv;
        using var live = new LiveProjection(s_model, s_data.ScanRows, cols);
        Assert.That(s_model.MapKernel.Radius, Is.EqualTo(1));
        for (int r = 0; r < s_data.ScanRows; r++)
        {
            live.Push(s_data.Data.AsSpan(r * cols * pixels, cols * pixels), r * cols);
            int expected = r == s_data.ScanRows - 1 ? s_data.ScanRows : r;
            Assert.That(live.FinalRows, Is.EqualTo(expected), $"after row {r}");
        }
    }

    [Test]
    public void MarkLost_APosition_IsNaNAndEntersItsNeighboursAsZero()
    {
        int n = s_data.NXy, pixels = s_data.NUv, lost = (5 * s_data.ScanCols) + 4;
        using var live = new LiveProjection(s_model, s_data.ScanRows, s_data.ScanCols);
        live.Push(s_data.Data.AsSpan(0, lost * pixels), 0);
        live.MarkLost(lost, 1);
        live.Push(s_data.Data.AsSpan((lost + 1) * pixels), lost + 1);
        live.Complete();
        Projection p = live.ToProjection();

        // The oracle: the same scan with that frame set to zero (its raw map value is then 0).
        float[] holed = (float[])s_data.Data.Clone();
        holed.AsSpan(lost * pixels, pixels).Clear();
        using UnfoldedData x = UnfoldedData.Create(new Dataset4D(holed, s_data.ScanRows, s_data.ScanCols, s_data.DetRows, s_data.DetCols));
        Projection oracle = s_model.Project(x, 1);
        var states = new PositionState[n];
        live.CopyStates(states);
        Assert.Multiple(() =>
        {
            Assert.That(live.Lost, Is.EqualTo(1));
            Assert.That(states[lost], Is.EqualTo(PositionState.Lost));
            Assert.That(states.Count(s => s == PositionState.Received), Is.EqualTo(n - 1));
            Assert.That(p.Residual[lost], Is.NaN);
            for (int c = 0; c < s_model.Components; c++)
            {
                Assert.That(p.H[(c * n) + lost], Is.NaN, $"component {c} at the lost position");
                int neighbour = lost + 1;
                Assert.That(p.H[(c * n) + neighbour], Is.EqualTo(oracle.H[(c * n) + neighbour]), $"component {c} next to it");
            }
        });
    }

    [Test]
    public void Complete_WithPositionsPending_MarksThemLostAndFinishesEveryRow()
    {
        int pixels = s_data.NUv, half = s_data.NXy / 2;
        using var live = new LiveProjection(s_model, s_data.ScanRows, s_data.ScanCols);
        live.Push(s_data.Data.AsSpan(0, half * pixels), 0);
        Assert.That(live.FinalRows, Is.LessThan(s_data.ScanRows));
        live.Complete();
        Projection p = live.ToProjection();
        Assert.Multiple(() =>
        {
            Assert.That(live.IsComplete, Is.True);
            Assert.That(live.FinalRows, Is.EqualTo(s_data.ScanRows));
            Assert.That(live.Lost, Is.EqualTo(s_data.NXy - half));
            Assert.That(p.Residual.Take(half).All(double.IsFinite), Is.True, "received frames have residuals");
            Assert.That(p.Residual.Skip(half).All(double.IsNaN), Is.True, "the missing ones are NaN");
        });
    }

    [Test]
    public void CopyMaps_MidScan_ShowsFinalRowsAndTheUnsmoothedMapsOfTheRest()
    {
        int cols = s_data.ScanCols, pixels = s_data.NUv, k = s_model.Components, n = s_data.NXy;
        using var live = new LiveProjection(s_model, s_data.ScanRows, cols);
        live.Push(s_data.Data.AsSpan(0, 3 * cols * pixels), 0);
        var h = new float[k * n];
        live.CopyMaps(h);
        using var projector = s_model.CreateProjector();
        var one = new float[k];
        projector.Project(s_data.Data.AsSpan((2 * cols) * pixels, pixels), one, default);
        Assert.Multiple(() =>
        {
            Assert.That(live.FinalRows, Is.EqualTo(2));
            for (int c = 0; c < k; c++)
            {
                Assert.That(h[(c * n) + (2 * cols)], Is.EqualTo(one[c]), "row 2 is not final: its frame's own [h]₊");
                Assert.That(h[(c * n) + (3 * cols)], Is.Zero, "row 3 has not arrived");
            }
        });
    }

    [Test]
    public void Push_Misuse_IsOneClearError()
    {
        int pixels = s_data.NUv;
        using var live = new LiveProjection(s_model, s_data.ScanRows, s_data.ScanCols);
        live.Push(s_data.Data.AsSpan(0, 2 * pixels), 0);
        Assert.Multiple(() =>
        {
            Assert.That(() => live.Push(s_data.Data.AsSpan(0, pixels), 1), Throws.ArgumentException.With.Message.Contains("scan position 1 (row 0, column 1) was already received"));
            Assert.That(() => live.Push(s_data.Data.AsSpan(0, pixels + 1), 5), Throws.ArgumentException.With.Message.Contains("not a whole number of 20×20 frames"));
            Assert.That(() => live.Push(s_data.Data.AsSpan(0, 2 * pixels), s_data.NXy - 1), Throws.ArgumentException.With.Message.Contains("outside the 11×9 scan"));
            Assert.That(() => live.MarkLost(0, 1), Throws.ArgumentException.With.Message.Contains("already received"));
        });
        live.Complete();
        Assert.That(() => live.Push(s_data.Data.AsSpan(0, pixels), 50), Throws.InvalidOperationException.With.Message.Contains("complete"));
    }

    [Test]
    public void Push_AKernelTallerThanTheScan_StillEqualsTheWholeScanProjection()
    {
        // 7×7 on a 3-row scan: every output row reads every row, reflected, as the whole-map convolution does.
        NmfModel model = s_model.WithMapConstraint(MapConstraint.Convolution, ConvolutionKernel.FromFwhmPixels(3, size: 7));
        int rows = 3, pixels = s_data.NUv, n = rows * s_data.ScanCols;
        float[] part = s_data.Data.AsSpan(0, n * pixels).ToArray();
        using UnfoldedData x = UnfoldedData.Create(new Dataset4D(part, rows, s_data.ScanCols, s_data.DetRows, s_data.DetCols));
        Projection whole = model.Project(x, 1);
        using var live = new LiveProjection(model, rows, s_data.ScanCols);
        live.Push(part.AsSpan(0, 10 * pixels), 0);
        Assert.That(live.FinalRows, Is.Zero);
        live.Push(part.AsSpan(10 * pixels), 10);
        live.Complete();
        Assert.That(live.ToProjection().H, Is.EqualTo(whole.H).AsCollection);
    }
}
