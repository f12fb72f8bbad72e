using System.Numerics;

namespace FastNmf.Numerics;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a fixed, documented generator so that a seed means the same numbers on
/// every .NET version and platform (System.Random's algorithm is an implementation detail).
/// </summary>
internal sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SeededRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>A seed for stream <paramref name="index"/> derived from <paramref name="seed"/>, independent of other streams.</summary>
    public static ulong Derive(ulong seed, ulong index)
    {
        ulong x = seed ^ (0x9E3779B97F4A7C15UL * (index + 1));
        return SplitMix(ref x);
    }

    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal (Box–Muller, one value per call).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A Poisson variate of mean <paramref name="lambda"/>: Knuth's product method below 30, the PTRS
    /// transformed-rejection method (Hörmann 1993) above, both exact.</summary>
    public long NextPoisson(double lambda)
    {
        if (!(lambda > 0))
        {
            return 0;
        }

        if (lambda < 30)
        {
            double limit = Math.Exp(-lambda);
            double p = NextDouble();
            long k = 0;
            while (p > limit)
            {
                p *= NextDouble();
                k++;
            }

            return k;
        }

        double slam = Math.Sqrt(lambda);
        double loglam = Math.Log(lambda);
        double b = 0.931 + (2.53 * slam);
        double a = -0.059 + (0.02483 * b);
        double invalpha = 1.1239 + (1.1328 / (b - 3.4));
        double vr = 0.9277 - (3.6224 / (b - 2));
        while (true)
        {
            double u = NextDouble() - 0.5;
            double v = NextDouble();
            double us = 0.5 - Math.Abs(u);
            long k = (long)Math.Floor((((2 * a) / us) + b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= vr)
            {
                return k;
            }

            if (k < 0 || (us < 0.013 && v > us))
            {
                continue;
            }

            if (Math.Log(v) + Math.Log(invalpha) - Math.Log((a / (us * us)) + b) <= -lambda + (k * loglam) - LogFactorial(k))
            {
                return k;
            }
        }
    }

    private static double LogFactorial(long k)
    {
        if (k < 2)
        {
            return 0;
        }

        // Stirling series; exact enough (error < 1e-10) for k ≥ 2 in an acceptance test.
        double x = k + 1.0;
        return ((x - 0.5) * Math.Log(x)) - x + (0.5 * Math.Log(2 * Math.PI)) + (1.0 / (12 * x)) - (1.0 / (360 * x * x * x));
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
