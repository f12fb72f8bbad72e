using FastNmf.Constraints;

namespace FastNmf.Analysis;

/// <summary>Builds the per-cluster results: representative, angles, rotation-corrected weighted average diffraction,
/// summed map and isotropy.</summary>
internal sealed class ClusterAverages
{
    private readonly float[] _w;
    private readonly float[] _h;
    private readonly int _k;
    private readonly int _detRows;
    private readonly int _detCols;
    private readonly int _nXy;
    private readonly AnalysisOptions _options;

    public ClusterAverages(ReadOnlySpan<float> w, ReadOnlySpan<float> h, int k, int detRows, int detCols, int nXy, AnalysisOptions options)
    {
        _w = w.ToArray();
        _h = h.ToArray();
        _k = k;
        _detRows = detRows;
        _detCols = detCols;
        _nXy = nXy;
        _options = options;
    }

    private int NUv => _detRows * _detCols;

    public ComponentCluster[] Build(int[] labels, double[,] similarity, double[,]? rotation)
    {
        int count = labels.Max();
        var members = new int[count][];
        for (int label = 1; label <= count; label++)
        {
            members[label - 1] = Enumerable.Range(0, _k).Where(c => labels[c] == label).ToArray();
        }

        PolarConstraintOptions polar = _options.Polar!;
        double centreRow = polar.CentreRow ?? _detRows / 2;
        double centreCol = polar.CentreCol ?? _detCols / 2;
        var averages = new float[count * NUv];
        var rows = new (int Representative, double[] Angles, float[]? Map)[count];
        for (int c = 0; c < count; c++)
        {
            int[] m = members[c];
            int rep = Representative(m, similarity);
            double[] angles = m.Select(j => rotation is null ? 0 : rotation[rep, j]).ToArray();
            Average(m, angles, centreRow, centreCol, averages.AsSpan(c * NUv, NUv));
            rows[c] = (rep, angles, _h.Length == 0 ? null : SumMaps(m));
        }

        var images = new PolarImages(averages, count, _detRows, _detCols, polar, _options.Mask is null ? default : _options.Mask.Masked);
        var clusters = new ComponentCluster[count];
        for (int c = 0; c < count; c++)
        {
            double iso = images.Isotropy(c);
            clusters[c] = new ComponentCluster(c + 1, members[c], rows[c].Representative, rows[c].Angles, averages.AsSpan(c * NUv, NUv).ToArray(),
                rows[c].Map, iso, iso >= _options.AmorphousIsotropy);
        }

        return clusters;
    }

    private int Representative(int[] members, double[,] similarity)
    {
        int best = members[0];
        double bestScore = double.NegativeInfinity;
        foreach (int m in members)
        {
            double score = 0;
            if (_h.Length > 0)
            {
                foreach (float v in _h.AsSpan(m * _nXy, _nXy))
                {
                    score += (double)v * v;
                }
            }
            else
            {
                foreach (int o in members)
                {
                    score += o == m ? 0 : similarity[m, o];
                }
            }

            if (score > bestScore)
            {
                best = m;
                bestScore = score;
            }
        }

        return best;
    }

    // Each member rotated back onto the representative (by −angle), weighted by the counts it explains when maps exist.
    private void Average(int[] members, double[] angles, double centreRow, double centreCol, Span<float> average)
    {
        var weights = members.Select(m => _h.Length == 0 ? 1.0 : Math.Max(0, _h.AsSpan(m * _nXy, _nXy).ToArray().Sum(v => (double)v))).ToArray();
        double total = weights.Sum();
        if (!(total > 0))
        {
            Array.Fill(weights, 1.0);
            total = weights.Length;
        }

        var sum = new double[NUv];
        var rotated = new float[NUv];
        for (int i = 0; i < members.Length; i++)
        {
            ReadOnlySpan<float> source = _w.AsSpan(members[i] * NUv, NUv);
            if (angles[i] != 0)
            {
                ImageRotation.Rotate(source, _detRows, _detCols, -angles[i], centreRow, centreCol, rotated);
                source = rotated;
            }

            double f = weights[i] / total;
            for (int p = 0; p < NUv; p++)
            {
                sum[p] += f * source[p];
            }
        }

        for (int p = 0; p < NUv; p++)
        {
            average[p] = (float)sum[p];
        }
    }

    private float[] SumMaps(int[] members)
    {
        var sum = new double[_nXy];
        foreach (int m in members)
        {
            ReadOnlySpan<float> map = _h.AsSpan(m * _nXy, _nXy);
            for (int i = 0; i < _nXy; i++)
            {
                sum[i] += map[i];
            }
        }

        return sum.Select(v => (float)v).ToArray();
    }
}
