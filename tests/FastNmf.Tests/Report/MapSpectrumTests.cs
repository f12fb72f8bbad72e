using System.Numerics;
using FastNmf.Cli.Report;
using NUnit.Framework;

namespace FastNmf.Tests.Report;

public sealed class MapSpectrumTests
{
    [TestCase(7, 5)]
    [TestCase(6, 8)]
    [TestCase(1, 9)]
    [TestCase(12, 12)]
    public void Amplitude_RandomMap_EqualsDirectTwoDimensionalDft(int rows, int cols)
    {
        var random = new Random(rows * 31 + cols);
        float[] map = Enumerable.Range(0, rows * cols).Select(_ => (float)(random.NextDouble() * 10)).ToArray();
        double mean = map.Average(v => (double)v);

        float[] amplitude = MapSpectrum.Amplitude(map, rows, cols);

        Assert.Multiple(() =>
        {
            for (int fr = 0; fr < rows; fr++)
            {
                for (int fc = 0; fc < cols; fc++)
                {
                    Complex sum = Complex.Zero;
                    for (int r = 0; r < rows; r++)
                    {
                        for (int c = 0; c < cols; c++)
                        {
                            double phase = -2 * Math.PI * ((double)fr * r / rows + (double)fc * c / cols);
                            sum += (map[r * cols + c] - mean) * Complex.FromPolarCoordinates(1, phase);
                        }
                    }

                    int row = (fr + rows / 2) % rows;
                    int col = (fc + cols / 2) % cols;
                    Assert.That(amplitude[row * cols + col], Is.EqualTo(sum.Magnitude).Within(1e-4 * (1 + sum.Magnitude)), $"frequency ({fr}, {fc})");
                }
            }
        });
    }

    [Test]
    public void Amplitude_CosineAlongColumns_PeaksAtItsFrequencyEitherSideOfTheCentre()
    {
        const int Rows = 8, Cols = 16;
        var map = new float[Rows * Cols];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Cols; c++)
            {
                map[r * Cols + c] = 5 + (float)Math.Cos(2 * Math.PI * 3 * c / Cols);
            }
        }

        float[] a = MapSpectrum.Amplitude(map, Rows, Cols);

        // Zero frequency at (4, 8); ±3 cycles across the map at columns 8 ± 3; amplitude Rows·Cols/2 each.
        Assert.Multiple(() =>
        {
            Assert.That(a[4 * Cols + 11], Is.EqualTo(Rows * Cols / 2.0).Within(1e-3));
            Assert.That(a[4 * Cols + 5], Is.EqualTo(Rows * Cols / 2.0).Within(1e-3));
            Assert.That(a[4 * Cols + 8], Is.EqualTo(0).Within(1e-3), "the mean is removed");
            Assert.That(a.Where((_, i) => i != 4 * Cols + 11 && i != 4 * Cols + 5).Max(), Is.LessThan(1e-3));
        });
    }

    [Test]
    public void Amplitude_WrongLength_Throws()
    {
        Assert.That(() => MapSpectrum.Amplitude(new float[10], 3, 3), Throws.ArgumentException.With.Message.Contains("3×3"));
    }
}
