using SkiaSharp;

namespace FastNmf.Cli.Rendering;

/// <summary>
/// Colormaps for intensity images. Viridis is used because it is perceptually uniform and
/// monotonic in lightness, so equal steps in data look like equal steps on screen and the
/// image still reads correctly when printed in grey or viewed by colour-blind readers.
/// </summary>
internal static class Colormap
{
    // matplotlib's viridis sampled at 16 evenly spaced points (t = i / 15). Linear
    // interpolation between these stays within about one 8-bit step of the full 256-entry table.
    private static readonly SKColor[] _viridis =
    [
        new(0x44, 0x01, 0x54), new(0x48, 0x1A, 0x6C), new(0x47, 0x2F, 0x7D), new(0x41, 0x44, 0x87),
        new(0x39, 0x56, 0x8C), new(0x31, 0x68, 0x8E), new(0x2A, 0x78, 0x8E), new(0x23, 0x88, 0x8E),
        new(0x1F, 0x98, 0x8B), new(0x22, 0xA8, 0x84), new(0x35, 0xB7, 0x79), new(0x54, 0xC5, 0x68),
        new(0x7A, 0xD1, 0x51), new(0xA5, 0xDB, 0x36), new(0xD2, 0xE2, 0x1B), new(0xFD, 0xE7, 0x25),
    ];

    /// <summary>Viridis colour for <paramref name="t"/> in [0, 1]; out-of-range values clamp, NaN gives the low colour.</summary>
    internal static SKColor Map(float t)
    {
        t = Sanitize(t);
        float x = t * (_viridis.Length - 1);
        int i = (int)x;
        if (i >= _viridis.Length - 1)
        {
            return _viridis[^1];
        }

        float f = x - i;
        SKColor a = _viridis[i];
        SKColor b = _viridis[i + 1];
        return new SKColor(Lerp(a.Red, b.Red, f), Lerp(a.Green, b.Green, f), Lerp(a.Blue, b.Blue, f));
    }

    /// <summary>Black-to-white ramp for <paramref name="t"/> in [0, 1]; NaN gives black.</summary>
    internal static SKColor Gray(float t)
    {
        byte v = (byte)MathF.Round(Sanitize(t) * 255f);
        return new SKColor(v, v, v);
    }

    // Negated comparison so NaN also lands on the low end instead of propagating.
    private static float Sanitize(float t) => !(t > 0f) ? 0f : t > 1f ? 1f : t;

    private static byte Lerp(byte a, byte b, float f) => (byte)MathF.Round(a + (b - a) * f);
}
