namespace FastNmf.Kernels.Polar;

/// <summary>Reference loops, one sample or pixel at a time, with exactly the float operations of the vector version.</summary>
internal sealed class PolarGatherScalar : IPolarGather
{
    public string Name => nameof(PolarGatherScalar);

    public void Gather(ReadOnlySpan<float> image, PolarSamplingMap map, Span<float> polar)
    {
        int n = map.Radii * map.PhiSamples;
        Check(image, map, polar.Length, n);
        int w = map.DetCols;
        int[] bases = map.Base;
        float[] fys = map.Fy;
        float[] fxs = map.Fx;
        for (int s = 0; s < n; s++)
        {
            int b = bases[s];
            float fx = fxs[s], gx = 1f - fx, fy = fys[s];
            float top = (image[b] * gx) + (image[b + 1] * fx);
            float bottom = (image[b + w] * gx) + (image[b + w + 1] * fx);
            polar[s] = (top * (1f - fy)) + (bottom * fy);
        }
    }

    public void RingBaselines(ReadOnlySpan<float> polar, PolarSamplingMap map, double factor, Span<double> baseline)
    {
        int nPhi = map.PhiSamples;
        CheckBaselines(polar, map, baseline);
        bool[] valid = map.Valid;
        Span<double> sums = stackalloc double[4];
        for (int r = 0; r < map.Radii; r++)
        {
            int count = map.ValidCount[r];
            if (count == 0)
            {
                baseline[r] = double.NaN;
                continue;
            }

            ReadOnlySpan<float> ring = polar.Slice(r * nPhi, nPhi);
            ReadOnlySpan<bool> ok = valid.AsSpan(r * nPhi, nPhi);
            sums.Clear();
            for (int p = 0; p < nPhi; p++)
            {
                sums[p & 3] += ok[p] ? ring[p] : 0.0;
            }

            double mean = ((sums[0] + sums[1]) + (sums[2] + sums[3])) / count;
            double threshold = factor * mean;
            bool cut = mean > 0;
            sums.Clear();
            int kept = 0;
            for (int p = 0; p < nPhi; p++)
            {
                bool keep = ok[p] && !(cut && ring[p] > threshold);
                sums[p & 3] += keep ? ring[p] : 0.0;
                kept += keep ? 1 : 0;
            }

            baseline[r] = kept > 0 ? ((sums[0] + sums[1]) + (sums[2] + sums[3])) / kept : mean;
        }
    }

    public int Raise(Span<float> image, PolarSamplingMap map, ReadOnlySpan<float> lo, ReadOnlySpan<float> hi, float slack)
    {
        CheckRaise(image, map, lo, hi);
        int[] floors = map.PixelFloor;
        float[] fractions = map.PixelFraction;
        int raised = 0;
        for (int i = 0; i < image.Length; i++)
        {
            int r = floors[i];
            float b = lo[r] + (fractions[i] * (hi[r] - lo[r]));
            if (image[i] < b - (slack * MathF.Abs(b)))
            {
                image[i] = b;
                raised++;
            }
        }

        return raised;
    }

    internal static void Check(ReadOnlySpan<float> image, PolarSamplingMap map, int polarLength, int n)
    {
        if (image.Length < map.DetRows * map.DetCols || polarLength < n)
        {
            throw new ArgumentException("polar gather: image or output too small.");
        }
    }

    internal static void CheckBaselines(ReadOnlySpan<float> polar, PolarSamplingMap map, Span<double> baseline)
    {
        if (polar.Length < map.Radii * map.PhiSamples || baseline.Length < map.Radii)
        {
            throw new ArgumentException("ring baselines: polar image or baseline output too small.");
        }
    }

    internal static void CheckRaise(ReadOnlySpan<float> image, PolarSamplingMap map, ReadOnlySpan<float> lo, ReadOnlySpan<float> hi)
    {
        if (image.Length != map.DetRows * map.DetCols || lo.Length < map.Radii + 1 || hi.Length < map.Radii + 1)
        {
            throw new ArgumentException("polar raise: image or baselines of the wrong size.");
        }
    }
}
