using FastNmf.Kernels.Reductions;
using NUnit.Framework;

namespace FastNmf.Tests.Kernels;

/// <summary>
/// The exact fold behind every reduction over scan positions: the vector path is the scalar twin bit for bit, folded
/// sums do not depend on the order or grouping of the additions, and the result is the true sum to the fold's
/// precision.
/// </summary>
public sealed unsafe class ExactFoldTests
{
    private static IEnumerable<TestCaseData> Shapes() =>
        from rows in new[] { 1, 3, 7 }
        from cols in new[] { 0, 1, 4, 7, 8, 9, 15, 16, 17, 31, 33, 1027 }
        select new TestCaseData(rows, cols).SetArgDisplayNames($"{rows}x{cols}");

    [TestCaseSource(nameof(Shapes))]
    public void AddRows_Vector_IsBitIdenticalToScalar(int rows, int cols)
    {
        var rng = new Random((rows * 1000) + cols);
        (float[] partial, double[] rowGrid, double[] colMagic) = Case(rng, rows, cols);
        double[] a = Enumerable.Range(0, rows * cols).Select(_ => Math.Round(rng.NextDouble() * 1000) * 0.25).ToArray();
        double[] b = (double[])a.Clone();
        fixed (float* p = partial)
        fixed (double* pa = a, pb = b, rg = rowGrid, cm = colMagic)
        {
            ExactFold.AddRows(p, cols, pa, cols, rows, cols, rg, cm);
            ExactFold.AddRowsScalar(p, cols, pb, cols, rows, cols, rg, cm);
        }

        Assert.That(a, Is.EqualTo(b).AsCollection);
    }

    [Test]
    public void Fold_AnyOrderOrGrouping_GivesTheSameBits()
    {
        // 200 partials of mixed magnitude, folded one by one forwards, backwards and as two groups summed afterwards.
        var rng = new Random(4);
        double[] values = Enumerable.Range(0, 200).Select(i => rng.NextDouble() * Math.Pow(10, rng.Next(-6, 7))).ToArray();
        double bound = values.Sum() * 1.01;
        double magic = ExactFold.Magic(ExactFold.Grid(bound));
        double forward = 0, backward = 0, left = 0, right = 0;
        for (int i = 0; i < values.Length; i++)
        {
            forward += ExactFold.Round(values[i], magic);
            backward += ExactFold.Round(values[^(i + 1)], magic);
            if (i % 3 == 0)
            {
                left += ExactFold.Round(values[i], magic);
            }
            else
            {
                right += ExactFold.Round(values[i], magic);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(backward, Is.EqualTo(forward), "backwards");
            Assert.That(right + left, Is.EqualTo(forward), "two groups, then summed");
            Assert.That(forward, Is.EqualTo(values.Sum()).Within(200 * ExactFold.Grid(bound)), "within the grid's rounding of the true sum");
        });
    }

    [Test]
    public void Add2_TwoFolds_RecoverTheSumToFarBeyondOneFold()
    {
        var rng = new Random(9);
        double[] values = Enumerable.Range(0, 64).Select(_ => rng.NextDouble() * 3.7).ToArray();
        double bound = values.Length * 3.7;
        double grid = ExactFold.Grid(bound);
        double hiMagic = ExactFold.Magic(grid), loMagic = ExactFold.Magic(ExactFold.ResidualGrid(grid, values.Length));
        double hi = 0, lo = 0, oneFold = 0;
        foreach (double v in values.Reverse())
        {
            ExactFold.Add2(v, hiMagic, loMagic, ref hi, ref lo);
            oneFold += ExactFold.Round(v, hiMagic);
        }

        double exact = values.Sum(); // itself rounded ~1e-16 relative: the two-fold result must agree to that
        Assert.Multiple(() =>
        {
            Assert.That(hi + lo, Is.EqualTo(exact).Within(4e-16 * exact));
            Assert.That(hi, Is.EqualTo(oneFold), "the first fold is the one-fold sum");
        });
    }

    [TestCase(0.0, -900)]
    [TestCase(1.0, 0)]
    [TestCase(1.5, 1)]
    [TestCase(1024.0, 10)]
    [TestCase(1025.0, 11)]
    [TestCase(3e-5, -15)]
    public void PowerAbove_IsTheSmallestPowerOfTwoAtOrAboveTheBound(double bound, int exponent)
    {
        Assert.That(ExactFold.PowerAbove(bound), Is.EqualTo(Math.ScaleB(1.0, exponent)));
    }

    [Test]
    public void PowerAbove_NonFinite_IsNaN_SoABrokenIterationStaysVisible()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ExactFold.PowerAbove(double.NaN), Is.NaN);
            Assert.That(ExactFold.PowerAbove(double.PositiveInfinity), Is.NaN);
        });
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(7)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(17)]
    [TestCase(100)]
    public void ToSingle_Vector_IsBitIdenticalToScalar(int n)
    {
        var rng = new Random(n);
        double[] src = Enumerable.Range(0, n).Select(_ => (rng.NextDouble() - 0.3) * Math.Pow(10, rng.Next(-30, 30))).ToArray();
        var a = new float[n];
        var b = new float[n];
        fixed (double* s = src)
        fixed (float* pa = a, pb = b)
        {
            ExactFold.ToSingle(s, pa, n);
            ExactFold.ToSingleScalar(s, pb, n);
        }

        Assert.That(a, Is.EqualTo(b).AsCollection);
    }

    // Partials up to each entry's bound (row power × column sum), the grids as the operands build them.
    private static (float[] Partial, double[] RowGrid, double[] ColMagic) Case(Random rng, int rows, int cols)
    {
        double[] rowPower = Enumerable.Range(0, rows).Select(_ => ExactFold.PowerAbove(rng.NextDouble() * 50)).ToArray();
        double[] colSum = Enumerable.Range(0, cols).Select(_ => rng.NextDouble() * 1e4).ToArray();
        double[] colMagic = colSum.Select(s => ExactFold.Magic(ExactFold.Grid(s))).ToArray();
        var partial = new float[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                partial[(r * cols) + c] = (float)(rng.NextDouble() * rowPower[r] * colSum[c] * 0.9);
            }
        }

        return (partial, rowPower, colMagic);
    }
}
