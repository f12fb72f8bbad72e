using System.Numerics.Tensors;
using FastNmf.Data;
using FastNmf.IO;

namespace FastNmf.Native.Data;

/// <summary>The ABI's value check of float32 frames handed to it directly (projection): every kept pixel finite and
/// non-negative, as for a run, or <see cref="DataFormatException"/> naming the frame and pixel (masked pixels are not
/// data: a NaN there is fine). With nothing masked, two vectorised passes for a good block; only a bad one is searched.</summary>
internal static class FrameValues
{
    public static void Check(ReadOnlySpan<float> frames, PixelMap pixels, long firstFrame)
    {
        int frameLength = pixels.DetectorPixels;
        ReadOnlySpan<bool> masked = pixels.Masked;
        if (frames.IsEmpty || (pixels.KeepsAll && TensorPrimitives.Min(frames) >= 0 && float.IsFinite(TensorPrimitives.Max(frames))))
        {
            return;
        }

        for (int i = 0; i < frames.Length; i++)
        {
            float v = frames[i];
            if ((!(v >= 0) || float.IsPositiveInfinity(v)) && (masked.IsEmpty || !masked[i % frameLength]))
            {
                string what = float.IsNaN(v) ? "is NaN; the data must be finite" : float.IsInfinity(v) ? $"is {(v > 0 ? "infinity" : "-infinity")}; the data must be finite"
                    : $"is negative ({v}); the data must be non-negative counts";
                long frame = firstFrame + (i / frameLength);
                int pixel = i % frameLength;
                throw new DataFormatException("frames", null, $"frame {frame}, pixel ({pixel / pixels.DetCols}, {pixel % pixels.DetCols}) {what}.");
            }
        }
    }
}

