using FastNmf.Data;
using FastNmf.IO;
using FastNmf.IO.Preprocessing;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO.Preprocessing;

[TestFixture]
public sealed class PreprocessingTests
{
    private const int SR = 7, SC = 5, DR = 9, DC = 6;

    // Value of element (y, x, r, c) of the test set: distinct small integers.
    private static float V(int y, int x, int r, int c) => ((y * 7) + (x * 3) + (r * 11) + c) % 50;

    private static FrameSource Source()
    {
        var data = new float[SR * SC * DR * DC];
        for (int i = 0; i < data.Length; i++)
        {
            int c = i % DC, r = i / DC % DR, x = i / (DC * DR) % SC, y = i / (DC * DR * SC);
            data[i] = V(y, x, r, c);
        }

        return new ArrayFrameSource(new Dataset4D(data, SR, SC, DR, DC));
    }

    [Test]
    public void Cropped_ScanAndDetectorWindows_GiveTheWindowedElements()
    {
        var scan = CropWindow.Parse("2:6,1:4", SR, SC);
        var det = CropWindow.Parse("3:,:5", DR, DC);
        using var source = new CroppedFrameSource(Source(), scan, det);
        float[] all = FrameReading.ReadAll(source);
        Assert.That(source.Shape, Is.EqualTo(new long[] { 4, 3, 6, 5 }));
        int i = 0;
        for (int y = 2; y < 6; y++)
        {
            for (int x = 1; x < 4; x++)
            {
                for (int r = 3; r < 9; r++)
                {
                    for (int c = 0; c < 5; c++)
                    {
                        Assert.That(all[i++], Is.EqualTo(V(y, x, r, c)), $"({y}, {x}, {r}, {c})");
                    }
                }
            }
        }
    }

    [TestCase(1, 1)]
    [TestCase(2, 1)]
    [TestCase(1, 2)]
    [TestCase(3, 2)]
    [TestCase(2, 4)]
    public void Binned_AnyFactors_SumBlocksAndDropTheRemainder(int scan, int det)
    {
        using var source = new BinnedFrameSource(Source(), scan, det);
        float[] all = FrameReading.ReadAll(source);
        Assert.That(source.Shape, Is.EqualTo(new long[] { SR / scan, SC / scan, DR / det, DC / det }));
        int i = 0;
        for (int y = 0; y < SR / scan; y++)
        {
            for (int x = 0; x < SC / scan; x++)
            {
                for (int r = 0; r < DR / det; r++)
                {
                    for (int c = 0; c < DC / det; c++)
                    {
                        float sum = 0;
                        for (int a = 0; a < scan * scan * det * det; a++)
                        {
                            sum += V((y * scan) + (a / scan % scan), (x * scan) + (a % scan), (r * det) + (a / (scan * scan * det)), (c * det) + (a / (scan * scan) % det));
                        }

                        Assert.That(all[i++], Is.EqualTo(sum), $"output ({y}, {x}, {r}, {c})");
                    }
                }
            }
        }

        Assert.That(source.Metadata["bin"], Does.Contain($"dropped {SR % scan} row(s)"));
    }

    [Test]
    public void CropThenBin_MasksFollowTheSameGeometry()
    {
        var crop = new CroppedFrameSource(Source(), null, CropWindow.Parse("1:9,0:6", DR, DC));
        using var binned = new BinnedFrameSource(crop, 1, 2);
        var raw = new bool[DR * DC];
        raw[(2 * DC) + 3] = true; // (2, 3) → cropped (1, 3) → binned (0, 1)
        bool[] mask = binned.BinMask(crop.CropMask(raw));
        Assert.That(Enumerable.Range(0, mask.Length).Where(i => mask[i]), Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void Binned_FactorLargerThanTheAxis_ThrowsNamingIt()
    {
        using FrameSource inner = Source();
        Assert.That(() => new BinnedFrameSource(inner, 8, 1), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("binning 7 scan rows by 8"));
    }

    [TestCase("1:2", "not ROW0:ROW1")]
    [TestCase("5:2,0:3", "empty or outside")]
    [TestCase("0:10,0:3", "outside 0:9")]
    [TestCase("a:2,0:3", "'a' is not")]
    public void CropWindowParse_Bad_ThrowsFormatException(string text, string expected) =>
        Assert.That(() => CropWindow.Parse(text, 9, 6), Throws.TypeOf<FormatException>().With.Message.Contains(expected));
}
