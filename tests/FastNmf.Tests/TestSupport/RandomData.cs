using FastNmf.Data;

namespace FastNmf.Tests.TestSupport;

/// <summary>Seeded random nonnegative data sets of known rank, for solver tests.</summary>
internal static class RandomData
{
    public static Dataset4D LowRank(int scanRows, int scanCols, int detRows, int detCols, int rank, double noise, int seed)
    {
        var rng = new Random(seed);
        int nUv = detRows * detCols;
        int nXy = scanRows * scanCols;
        var w = new double[rank * nUv];
        var h = new double[rank * nXy];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = rng.NextDouble() < 0.3 ? rng.NextDouble() * 5 : rng.NextDouble() * 0.2;
        }

        for (int i = 0; i < h.Length; i++)
        {
            h[i] = rng.NextDouble() * 3;
        }

        var data = new float[nXy * nUv];
        for (int j = 0; j < nXy; j++)
        {
            for (int u = 0; u < nUv; u++)
            {
                double v = 0;
                for (int c = 0; c < rank; c++)
                {
                    v += w[(c * nUv) + u] * h[(c * nXy) + j];
                }

                data[(j * nUv) + u] = (float)Math.Max(0, v + (noise * (rng.NextDouble() - 0.5)));
            }
        }

        return new Dataset4D(data, scanRows, scanCols, detRows, detCols);
    }

    /// <summary>mean((X − WH)²) computed directly from a result's refolded W (k × det) and H (k × scan), over unmasked pixels.</summary>
    public static double DirectMse(Dataset4D data, NmfResult result, bool[]? masked = null)
    {
        int nUv = data.NUv;
        int nXy = data.NXy;
        int k = result.Components;
        double sum = 0;
        long count = 0;
        for (int j = 0; j < nXy; j++)
        {
            for (int u = 0; u < nUv; u++)
            {
                if (masked is not null && masked[u])
                {
                    continue;
                }

                double wh = 0;
                for (int c = 0; c < k; c++)
                {
                    wh += (double)result.W[(c * nUv) + u] * result.H[(c * nXy) + j];
                }

                double d = data.Data[(j * nUv) + u] - wh;
                sum += d * d;
                count++;
            }
        }

        return sum / count;
    }
}
