namespace FastNmf.Numerics;

/// <summary>
/// Random numbers addressed by position instead of drawn in sequence: value i of a stream is SplitMix64's output for
/// counter i, so the value at scan position j is the same whichever process holds j and however the scan is split.
/// The initial H of a restart is drawn this way (a rank fills only its own columns); everything every rank does alike
/// (re-seeding a dead diffraction) still draws from one sequential <see cref="SeededRandom"/> stream.
/// </summary>
internal static class CounterRandom
{
    /// <summary>The key of stream <paramref name="stream"/> of <paramref name="seed"/>.</summary>
    public static ulong Key(ulong seed, ulong stream) => SeededRandom.Derive(seed, stream);

    /// <summary>Value <paramref name="index"/> of the stream <paramref name="key"/>: uniform in [0, 1) with 53 bits.</summary>
    public static double Uniform(ulong key, ulong index)
    {
        ulong z = key + ((index + 1) * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
