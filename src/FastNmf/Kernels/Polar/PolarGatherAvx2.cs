using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastNmf.Kernels.Polar;

/// <summary>
/// Eight samples or pixels at a time with AVX2 gathers (the taps are scattered over the image; the radius baselines are
/// a short table). Same float operations as <see cref="PolarGatherScalar"/>, in the same order and unfused, so the two
/// agree bit for bit; tails run the scalar code.
/// </summary>
internal sealed unsafe class PolarGatherAvx2 : IPolarGather
{
    public static bool IsSupported => Avx2.IsSupported;

    public string Name => nameof(PolarGatherAvx2);

    public void Gather(ReadOnlySpan<float> image, PolarSamplingMap map, Span<float> polar)
    {
        int n = map.Radii * map.PhiSamples;
        PolarGatherScalar.Check(image, map, polar.Length, n);
        int w = map.DetCols;
        int s = 0;
        Vector256<float> one = Vector256.Create(1f);
        fixed (float* img = image)
        fixed (float* outp = polar)
        fixed (int* bases = map.Base)
        fixed (float* fys = map.Fy)
        fixed (float* fxs = map.Fx)
        {
            for (; s + 8 <= n; s += 8)
            {
                Vector256<int> b = Avx.LoadVector256(bases + s);
                Vector256<float> fx = Avx.LoadVector256(fxs + s);
                Vector256<float> g00 = Avx2.GatherVector256(img, b, 4);
                Vector256<float> g01 = Avx2.GatherVector256(img + 1, b, 4);
                Vector256<float> g10 = Avx2.GatherVector256(img + w, b, 4);
                Vector256<float> g11 = Avx2.GatherVector256(img + w + 1, b, 4);
                Vector256<float> gx = Avx.Subtract(one, fx);
                Vector256<float> fy = Avx.LoadVector256(fys + s);
                Vector256<float> top = Avx.Add(Avx.Multiply(g00, gx), Avx.Multiply(g01, fx));
                Vector256<float> bottom = Avx.Add(Avx.Multiply(g10, gx), Avx.Multiply(g11, fx));
                Avx.Store(outp + s, Avx.Add(Avx.Multiply(top, Avx.Subtract(one, fy)), Avx.Multiply(bottom, fy)));
            }
        }

        for (; s < n; s++)
        {
            int b = map.Base[s];
            float fx = map.Fx[s], gx = 1f - fx, fy = map.Fy[s];
            float top = (image[b] * gx) + (image[b + 1] * fx);
            float bottom = (image[b + w] * gx) + (image[b + w + 1] * fx);
            polar[s] = (top * (1f - fy)) + (bottom * fy);
        }
    }

    // Four samples per step, widened to double: p runs from 0 in steps of 4 within each ring, so lane j holds the scalar
    // twin's partial sum j (samples p ≡ j mod 4), and the ring's last nPhi mod 4 samples join their lanes in Tail.
    public void RingBaselines(ReadOnlySpan<float> polar, PolarSamplingMap map, double factor, Span<double> baseline)
    {
        int nPhi = map.PhiSamples;
        PolarGatherScalar.CheckBaselines(polar, map, baseline);
        fixed (float* pol = polar)
        fixed (bool* valid = map.Valid)
        {
            for (int r = 0; r < map.Radii; r++)
            {
                int count = map.ValidCount[r];
                if (count == 0)
                {
                    baseline[r] = double.NaN;
                    continue;
                }

                float* ring = pol + ((long)r * nPhi);
                bool* ok = valid + ((long)r * nPhi);
                bool allValid = count == nPhi; // most rings: no mask and inside the detector, so no per-sample test
                Vector256<double> sum = Vector256<double>.Zero;
                int p = 0;
                for (; p + 4 <= nPhi; p += 4)
                {
                    Vector256<double> v = Avx.ConvertToVector256Double(Sse.LoadVector128(ring + p));
                    sum = Avx.Add(sum, allValid ? v : Vector256.ConditionalSelect(ValidMask(ok + p), v, Vector256<double>.Zero));
                }

                double mean = Tail(sum, ring, ok, p, nPhi, double.PositiveInfinity, cut: false, out _) / count;
                double threshold = factor * mean;
                bool cut = mean > 0;
                Vector256<double> limit = Vector256.Create(cut ? threshold : double.PositiveInfinity);
                sum = Vector256<double>.Zero;
                Vector256<double> kept = Vector256<double>.Zero;
                p = 0;
                for (; p + 4 <= nPhi; p += 4)
                {
                    Vector256<double> v = Avx.ConvertToVector256Double(Sse.LoadVector128(ring + p));
                    Vector256<double> below = Vector256.LessThanOrEqual(v, limit);
                    Vector256<double> keep = allValid ? below : Vector256.BitwiseAnd(ValidMask(ok + p), below);
                    sum = Avx.Add(sum, Vector256.ConditionalSelect(keep, v, Vector256<double>.Zero));
                    kept = Avx.Add(kept, Vector256.ConditionalSelect(keep, Vector256.Create(1.0), Vector256<double>.Zero));
                }

                double keptSum = Tail(sum, ring, ok, p, nPhi, cut ? threshold : double.PositiveInfinity, cut, out int tailKept);
                int keptCount = (int)Vector256.Sum(kept) + tailKept;
                baseline[r] = keptCount > 0 ? keptSum / keptCount : mean;
            }
        }
    }

    // All ones in the double lanes whose sample is valid.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ValidMask(bool* ok)
    {
        Vector128<int> flags = Sse41.ConvertToVector128Int32((byte*)ok);
        return Vector256.GreaterThan(Avx.ConvertToVector256Double(flags), Vector256<double>.Zero);
    }

    // Adds the last (nPhi mod 4) samples to their lanes as the scalar twin does, then combines (s0 + s1) + (s2 + s3).
    private static double Tail(Vector256<double> sum, float* ring, bool* ok, int p, int nPhi, double limit, bool cut, out int kept)
    {
        Span<double> lanes = stackalloc double[4];
        sum.CopyTo(lanes);
        kept = 0;
        for (; p < nPhi; p++)
        {
            bool keep = ok[p] && !(cut && ring[p] > limit);
            lanes[p & 3] += keep ? ring[p] : 0.0;
            kept += keep ? 1 : 0;
        }

        return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    }

    public int Raise(Span<float> image, PolarSamplingMap map, ReadOnlySpan<float> lo, ReadOnlySpan<float> hi, float slack)
    {
        PolarGatherScalar.CheckRaise(image, map, lo, hi);
        int n = image.Length;
        int raised = 0;
        int i = 0;
        Vector256<float> slackV = Vector256.Create(slack);
        fixed (float* img = image)
        fixed (float* plo = lo)
        fixed (float* phi = hi)
        fixed (int* floors = map.PixelFloor)
        fixed (float* fractions = map.PixelFraction)
        {
            for (; i + 8 <= n; i += 8)
            {
                Vector256<int> r = Avx.LoadVector256(floors + i);
                Vector256<float> l = Avx2.GatherVector256(plo, r, 4);
                Vector256<float> b = Avx.Add(l, Avx.Multiply(Avx.LoadVector256(fractions + i), Avx.Subtract(Avx2.GatherVector256(phi, r, 4), l)));
                Vector256<float> v = Avx.LoadVector256(img + i);
                Vector256<float> below = Avx.CompareLessThan(v, Avx.Subtract(b, Avx.Multiply(slackV, Vector256.Abs(b))));
                uint mask = below.ExtractMostSignificantBits();
                if (mask != 0)
                {
                    Avx.Store(img + i, Avx.BlendVariable(v, b, below));
                    raised += BitOperations.PopCount(mask);
                }
            }
        }

        if (i < n)
        {
            raised += RaiseTail(image, map, lo, hi, slack, i);
        }

        return raised;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RaiseTail(Span<float> image, PolarSamplingMap map, ReadOnlySpan<float> lo, ReadOnlySpan<float> hi, float slack, int start)
    {
        int raised = 0;
        for (int i = start; i < image.Length; i++)
        {
            int r = map.PixelFloor[i];
            float b = lo[r] + (map.PixelFraction[i] * (hi[r] - lo[r]));
            if (image[i] < b - (slack * MathF.Abs(b)))
            {
                image[i] = b;
                raised++;
            }
        }

        return raised;
    }
}
