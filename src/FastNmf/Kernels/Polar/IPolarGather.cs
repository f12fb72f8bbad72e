namespace FastNmf.Kernels.Polar;

/// <summary>Resamples a detector image onto the r–φ grid of a <see cref="PolarSamplingMap"/>.</summary>
internal interface IPolarGather
{
    string Name { get; }

    /// <summary><c>polar[s] = Σ_c weight[4s+c]·image[index[4s+c]]</c> for every sample s (invalid ones included:
    /// their value is meaningless and the caller skips them).</summary>
    void Gather(ReadOnlySpan<float> image, PolarSamplingMap map, Span<float> polar);
}
