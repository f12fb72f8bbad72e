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
