using FastNmf.Numerics;

namespace FastNmf.Benchmarks.Analysis;

/// <summary>Seeded random spot patterns on a ring (k detector images), the input of the similarity timings.</summary>
internal static class RandomDiffractions
{
    public static float[] Make(int k, int det, ulong seed = 1)
    {
        var w = new float[k * det * det];
        var rng = new SeededRandom(seed);
        double c = det / 2;
        for (int i = 0; i < k; i++)
        {
            Span<float> img = w.AsSpan(i * det * det, det * det);
            for (int s = 0; s < 12; s++)
            {
                double radius = det * (0.1 + (0.3 * rng.NextDouble()));
                double phi = 2 * Math.PI * rng.NextDouble();
                double sr = c - (radius * Math.Sin(phi));
                double sc = c + (radius * Math.Cos(phi));
                for (int r = Math.Max(0, (int)sr - 4); r < Math.Min(det, (int)sr + 5); r++)
                {
                    for (int col = Math.Max(0, (int)sc - 4); col < Math.Min(det, (int)sc + 5); col++)
                    {
                        img[(r * det) + col] += (float)Math.Exp(-(((r - sr) * (r - sr)) + ((col - sc) * (col - sc))) / 2.0);
                    }
                }
            }

            for (int r = 0; r < det; r++)
            {
                for (int col = 0; col < det; col++)
                {
                    double q = Math.Sqrt(((r - c) * (r - c)) + ((col - c) * (col - c))) / c;
                    img[(r * det) + col] += (float)(0.2 * Math.Exp(-((q - 0.5) * (q - 0.5)) / 0.01));
                }
            }
        }

        return w;
    }
}
