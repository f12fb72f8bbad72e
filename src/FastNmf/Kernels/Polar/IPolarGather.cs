namespace FastNmf.Kernels.Polar;

/// <summary>
/// The three loops of [·]_W over a <see cref="PolarSamplingMap"/>: resampling a detector image onto the r–φ grid, the
/// per-radius baselines on that grid, and raising every detector pixel below its radius's interpolated baseline. Implementations compute identical bits
/// (same float operations in the same order, no fused multiply-add).
/// </summary>
internal interface IPolarGather
{
    string Name { get; }

    /// <summary><c>polar[s] = top·(1 − fy) + bottom·fy</c> with <c>top = I[b]·(1 − fx) + I[b+1]·fx</c> and
    /// <c>bottom = I[b+W]·(1 − fx) + I[b+W+1]·fx</c> for every sample — the weighted form, exact when a fraction is 0 or 1
    /// (invalid samples read pixel 0 and are skipped by the caller).</summary>
    void Gather(ReadOnlySpan<float> image, PolarSamplingMap map, Span<float> polar);

    /// <summary>
    /// The baseline of every radius r of <paramref name="polar"/>: the mean m of its valid samples, then the mean of the
    /// valid samples not above <paramref name="factor"/>·m (when m &gt; 0; Bragg spots left out), or m if none remain;
    /// NaN for a radius without valid samples. Sums run in double over four interleaved partial sums (sample p into sum
    /// p mod 4, combined as (s0 + s1) + (s2 + s3)), the same order in every implementation.
    /// </summary>
    void RingBaselines(ReadOnlySpan<float> polar, PolarSamplingMap map, double factor, Span<double> baseline);

    /// <summary>
    /// For every detector pixel i with radius floor r = <c>PixelFloor[i]</c> and fraction t: <c>b = lo[r] + t·(hi[r] − lo[r])</c>;
    /// where <c>image[i] &lt; b − slack·|b|</c> the pixel becomes b. <paramref name="lo"/>/<paramref name="hi"/> have
    /// <c>Radii + 1</c> entries (the last is the sentinel). Returns the number of pixels raised.
    /// </summary>
    int Raise(Span<float> image, PolarSamplingMap map, ReadOnlySpan<float> lo, ReadOnlySpan<float> hi, float slack);
}
