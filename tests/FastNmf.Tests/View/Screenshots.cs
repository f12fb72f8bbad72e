using NUnit.Framework;
using SkiaSharp;

namespace FastNmf.Tests.View;

/// <summary>What two screenshots of the live page are compared by.</summary>
internal static class Screenshots
{
    /// <summary>The share of pixels whose colour moved by more than 24 (summed over R, G, B).</summary>
    public static double ChangedShare(SKBitmap a, SKBitmap b)
    {
        Assert.That((a.Width, a.Height), Is.EqualTo((b.Width, b.Height)));
        long changed = 0;
        for (int y = 0; y < a.Height; y++)
        {
            for (int x = 0; x < a.Width; x++)
            {
                SKColor p = a.GetPixel(x, y), q = b.GetPixel(x, y);
                if (Math.Abs(p.Red - q.Red) + Math.Abs(p.Green - q.Green) + Math.Abs(p.Blue - q.Blue) > 24)
                {
                    changed++;
                }
            }
        }

        return changed / (double)(a.Width * a.Height);
    }

    /// <summary>Distinct colours on every second pixel of every second row.</summary>
    public static int Colours(SKBitmap bitmap)
    {
        var seen = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y += 2)
        {
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                seen.Add((uint)bitmap.GetPixel(x, y));
            }
        }

        return seen.Count;
    }
}
