using FastNmf.Data;
using FastNmf.IO;
using NUnit.Framework;

namespace FastNmf.Tests.Data;

[TestFixture]
public sealed class DetectorMasksFromDataTests
{
    // A 48×48 mean pattern: background 1, a disc of radius 6 and height 200 at (20.3, 18.7), a ring of height 5 at radius 15.
    private static double[] Pattern()
    {
        var m = new double[48 * 48];
        for (int r = 0; r < 48; r++)
        {
            for (int c = 0; c < 48; c++)
            {
                double d = Math.Sqrt(Math.Pow(r - 20.3, 2) + Math.Pow(c - 18.7, 2));
                m[(r * 48) + c] = 1 + (d <= 6 ? 200 : 0) + (Math.Abs(d - 15) < 1 ? 5 : 0);
            }
        }

        return m;
    }

    [Test]
    public void DirectBeamFind_DiscInTheMeanPattern_FindsCentreAndRadius()
    {
        (double cr, double cc, double radius) = DirectBeamFinder.Find(DetectorStatistics.FromMean(Pattern(), 48, 48, 1));
        Assert.Multiple(() =>
        {
            Assert.That(cr, Is.EqualTo(20.3).Within(0.2));
            Assert.That(cc, Is.EqualTo(18.7).Within(0.2));
            Assert.That(radius, Is.InRange(6, 7));
        });
    }

    [Test]
    public void DirectBeamFind_AHotPixelBrighterThanTheBeam_DoesNotPullTheDisc()
    {
        double[] m = Pattern();
        m[(5 * 48) + 40] = 5000;     // 25× the disc, alone
        m[(20 * 48) + 32] = 3000;    // one bright pixel on the radius-13 ring around the beam
        (double cr, double cc, double radius) = DirectBeamFinder.Find(DetectorStatistics.FromMean(m, 48, 48, 1));
        Assert.Multiple(() =>
        {
            Assert.That(cr, Is.EqualTo(20.3).Within(0.2));
            Assert.That(cc, Is.EqualTo(18.7).Within(0.2));
            Assert.That(radius, Is.InRange(6, 7));
        });
    }

    [Test]
    public void DirectBeamFind_ExcludedPixels_TakeNoPart()
    {
        double[] m = Pattern();
        // A 3×3 bright patch survives the erosion; flagged as excluded (a mask file, dead/hot), it must not count.
        var excluded = new bool[48 * 48];
        for (int r = 2; r <= 4; r++)
        {
            for (int c = 38; c <= 40; c++)
            {
                m[(r * 48) + c] = 4000;
                excluded[(r * 48) + c] = true;
            }
        }

        var stats = DetectorStatistics.FromMean(m, 48, 48, 1);
        (double cr, double cc, _) = DirectBeamFinder.Find(stats, excluded: excluded);
        (double pr, _, _) = DirectBeamFinder.Find(stats);
        Assert.Multiple(() =>
        {
            Assert.That(cr, Is.EqualTo(20.3).Within(0.2));
            Assert.That(cc, Is.EqualTo(18.7).Within(0.2));
            Assert.That(pr, Is.EqualTo(3).Within(0.5), "not excluded, the patch is the brightest blob: the exclusion is what helps");
            Assert.That(() => DirectBeamFinder.Find(stats, excluded: new bool[3]), Throws.ArgumentException);
        });
    }

    [Test]
    public void DirectBeamFind_StatisticsStreamedFromFrames_AgreeWithTheMean()
    {
        // Every frame is the pattern: the streamed mean is the pattern itself.
        double[] m = Pattern();
        float[] frame = m.Select(v => (float)v).ToArray();
        var data = new Dataset4D([.. Enumerable.Repeat(frame, 6).SelectMany(f => f)], 2, 3, 48, 48);
        using var source = new ArrayFrameSource(data);
        DetectorStatistics stats = DetectorStatistics.Compute(source);
        Assert.That(stats.Mean, Is.EqualTo(m).Within(1e-9));
    }

    [Test]
    public void Compute_ClipNegative_SeesTheValuesXHolds()
    {
        // Pixel 0 is negative in every frame, pixel 1 alternates between −2 and 4, pixel 2 is 3 throughout.
        float[] frame = [-1, -2, 3, 0];
        float[] other = [-1, 4, 3, 0];
        var data = new Dataset4D([.. frame, .. other, .. frame, .. other], 2, 2, 2, 2);
        using var source = new ArrayFrameSource(data);

        DetectorStatistics raw = DetectorStatistics.Compute(source);
        DetectorStatistics clipped = DetectorStatistics.Compute(source, clipNegative: true);

        Assert.Multiple(() =>
        {
            Assert.That(raw.Mean, Is.EqualTo(new[] { -1, 1, 3, 0 }));
            Assert.That(raw.EverNonZero, Is.EqualTo(new[] { true, true, true, false }));
            Assert.That(clipped.Mean, Is.EqualTo(new[] { 0, 2, 3, 0 }));
            Assert.That(clipped.EverNonZero, Is.EqualTo(new[] { false, true, true, false }), "a pixel only ever negative is all 0 in X: dead");
            Assert.That(DeadHotPixels.Find(clipped).Dead, Is.EqualTo(2));
        });
    }

    [Test]
    public void DirectBeamFind_ZeroPattern_ThrowsArgumentException() =>
        Assert.That(() => DirectBeamFinder.Find(DetectorStatistics.FromMean(new double[16], 4, 4, 1)), Throws.ArgumentException.With.Message.Contains("zero everywhere"));

    [Test]
    public void DeadHotFind_LonePixelsButNotTheBeam_AreMasked()
    {
        double[] m = Pattern();
        m[(40 * 48) + 40] = 0;    // dead
        m[(5 * 48) + 30] = 50;    // hot: 50 × the background
        m[(30 * 48) + 8] = 5;     // bright but only 5× its neighbours: kept
        var stats = DetectorStatistics.FromMean(m, 48, 48, 10);
        (bool[] masked, int dead, int hot) = DeadHotPixels.Find(stats);
        Assert.Multiple(() =>
        {
            Assert.That((dead, hot), Is.EqualTo((1, 1)));
            Assert.That(masked[(40 * 48) + 40] && masked[(5 * 48) + 30], Is.True);
            Assert.That(masked[(30 * 48) + 8], Is.False);
            Assert.That(masked[(20 * 48) + 19], Is.False, "the direct beam is not hot: its neighbours are as bright");
        });
    }
}
