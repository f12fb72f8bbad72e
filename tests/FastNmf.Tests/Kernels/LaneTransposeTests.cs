using FastNmf.Kernels.Lanes;
using FastNmf.Memory;
using NUnit.Framework;

namespace FastNmf.Tests.Kernels;

/// <summary>
/// <see cref="LaneTranspose"/>'s 8 × 8 register transposes against their element-by-element twins, and the tiled
/// layout itself (<see cref="LaneTiles"/>: balanced tiles, every real lane where it belongs, the pad lanes untouched), on
/// component counts and ranges that leave remainders of every size.
/// </summary>
[TestFixture]
public sealed unsafe class LaneTransposeTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from width in LaneWidths.Available
        from rows in new[] { 1, 7, 8, 9, 30, 47, 100, 300 }
        from range in new[] { (0, 1), (0, 8), (3, 20), (5, 133) }
        select new TestCaseData(width.ToString(), rows, range.Item1, range.Item2).SetArgDisplayNames(width.ToString(), $"K={rows}", $"[{range.Item1},{range.Item2})");

    [TestCaseSource(nameof(Cases))]
    public void ToTiles_FromTiles_MatchTheScalarTwins_AndPutEveryLaneInItsTile(string widthName, int rows, int begin, int end)
    {
        LaneWidth width = Enum.Parse<LaneWidth>(widthName);
        const int N = 133;
        var tiles = new LaneTiles(rows, width);
        using var src = new AlignedBuffer<float>((long)rows * (N + 3), "src");
        var random = new Random(rows + begin);
        for (long i = 0; i < src.Length; i++)
        {
            src.Pointer[i] = (float)random.NextDouble();
        }

        var view = MatrixView.Over(src, rows, N, N + 3);
        using var fast = new AlignedBuffer<float>((long)N * tiles.Lanes, "fast");
        using var scalar = new AlignedBuffer<float>((long)N * tiles.Lanes, "scalar");
        fast.AsSpan().Fill(-1f);
        scalar.AsSpan().Fill(-1f);
        LaneTranspose.ToTiles(view, fast.Pointer, tiles, N, begin, end);
        LaneTranspose.ToTilesScalar(view, scalar.Pointer, tiles, N, begin, end);
        Assert.That(fast.AsSpan().ToArray(), Is.EqualTo(scalar.AsSpan().ToArray()).AsCollection, "ToTiles");
        for (int t = 0; t < tiles.Count; t++)
        {
            Assert.That(tiles.Width[t], Is.LessThanOrEqualTo(LaneTiles.TileLanes(width)));
            for (int c = tiles.Start[t]; c < tiles.Start[t + 1]; c++)
            {
                float expected = c < rows && begin < end ? view.Row(c)[end - 1] : -1f;
                Assert.That(fast.Pointer[tiles.Offset(t, N) + ((long)(end - 1) * tiles.Width[t]) + (c - tiles.Start[t])], Is.EqualTo(expected), $"lane {c} of tile {t}");
            }
        }

        using var back = new AlignedBuffer<float>((long)rows * (N + 3), "back");
        using var backScalar = new AlignedBuffer<float>((long)rows * (N + 3), "backScalar");
        using var acc = new AlignedBuffer<double>((long)N * tiles.Lanes, "acc");
        for (long i = 0; i < acc.Length; i++)
        {
            acc.Pointer[i] = (random.NextDouble() * 3) + 1e-9;
        }

        LaneTranspose.FromTiles(fast.Pointer, tiles, N, MatrixView.Over(back, rows, N, N + 3), begin, end);
        LaneTranspose.FromTilesScalar(fast.Pointer, tiles, N, MatrixView.Over(backScalar, rows, N, N + 3), begin, end);
        for (int c = 0; c < rows; c++)
        {
            float[] undone = MatrixView.Over(back, rows, N, N + 3).Row(c)[begin..end].ToArray();
            Assert.That(undone, Is.EqualTo(view.Row(c)[begin..end].ToArray()), $"FromTiles undoes ToTiles, row {c}");
            Assert.That(undone, Is.EqualTo(MatrixView.Over(backScalar, rows, N, N + 3).Row(c)[begin..end].ToArray()), $"FromTiles(float) is its twin, row {c}");
        }

        LaneTranspose.FromTiles(acc.Pointer, tiles, N, MatrixView.Over(back, rows, N, N + 3), begin, end);
        LaneTranspose.FromTilesScalar(acc.Pointer, tiles, N, MatrixView.Over(backScalar, rows, N, N + 3), begin, end);
        for (int c = 0; c < rows; c++)
        {
            Assert.That(MatrixView.Over(back, rows, N, N + 3).Row(c)[begin..end].ToArray(), Is.EqualTo(MatrixView.Over(backScalar, rows, N, N + 3).Row(c)[begin..end].ToArray()), $"FromTiles(double), row {c}");
        }
    }

    [TestCase("Vector512", 300, new[] { 3, 3, 3, 3, 3, 2, 2 })]
    [TestCase("Vector512", 30, new[] { 2 })]
    [TestCase("Vector512", 40, new[] { 3 })]
    [TestCase("Vector256", 40, new[] { 5 })]
    [TestCase("Vector256", 100, new[] { 5, 4, 4 })]
    [TestCase("Scalar", 13, new[] { 5, 4, 4 })]
    public void LaneTiles_SplitTheVectorsEvenly(string widthName, int rows, int[] vectors)
    {
        LaneWidth width = Enum.Parse<LaneWidth>(widthName);
        var tiles = new LaneTiles(rows, width);
        Assert.Multiple(() =>
        {
            Assert.That(tiles.Vectors, Is.EqualTo(vectors));
            Assert.That(tiles.Lanes, Is.EqualTo(vectors.Sum() * LaneWidths.Count(width)));
            Assert.That(tiles.Lanes, Is.GreaterThanOrEqualTo(rows));
        });
    }
}
