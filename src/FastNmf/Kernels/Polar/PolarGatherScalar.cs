namespace FastNmf.Kernels.Polar;

/// <summary>Reference bilinear gather, one sample at a time (float products, the same summation order for every sample).</summary>
internal sealed class PolarGatherScalar : IPolarGather
{
    public string Name => nameof(PolarGatherScalar);

    public void Gather(ReadOnlySpan<float> image, PolarSamplingMap map, Span<float> polar)
    {
        int n = map.Radii * map.PhiSamples;
        if (image.Length < map.DetRows * map.DetCols || polar.Length < n)
        {
            throw new ArgumentException("polar gather: image or output too small.");
        }

        int[] index = map.Index;
        float[] weight = map.Weight;
        for (int s = 0; s < n; s++)
        {
            int b = 4 * s;
            polar[s] = (weight[b] * image[index[b]]) + (weight[b + 1] * image[index[b + 1]])
                + (weight[b + 2] * image[index[b + 2]]) + (weight[b + 3] * image[index[b + 3]]);
        }
    }
}
