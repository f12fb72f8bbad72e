using SkiaSharp;

namespace FastNmf.Cli.Rendering;

/// <summary>The five fonts of a montage; typefaces are shared process-wide, fonts are per render.</summary>
internal sealed class MontageFonts : IDisposable
{
    internal const float TitleFontSize = 18f;
    internal const float NoteFontSize = 12f;
    internal const float LabelFontSize = 14f;
    internal const float CaptionFontSize = 12f;
    internal const float NumberFontSize = 11f;

    // Typefaces are process-wide and never disposed: SKTypeface.Default may be returned as a
    // fallback, and disposing that shared instance would break later renders.
    private static readonly Lazy<SKTypeface> s_regular = new(() => LoadTypeface(SKFontStyle.Normal));
    private static readonly Lazy<SKTypeface> s_bold = new(() => LoadTypeface(SKFontStyle.Bold));

    internal SKFont Title { get; } = Create(s_bold.Value, TitleFontSize);

    internal SKFont Note { get; } = Create(s_regular.Value, NoteFontSize);

    internal SKFont Label { get; } = Create(s_bold.Value, LabelFontSize);

    internal SKFont Caption { get; } = Create(s_regular.Value, CaptionFontSize);

    internal SKFont Number { get; } = Create(s_regular.Value, NumberFontSize);

    public void Dispose()
    {
        Title.Dispose();
        Note.Dispose();
        Label.Dispose();
        Caption.Dispose();
        Number.Dispose();
    }

    private static SKFont Create(SKTypeface typeface, float size) =>
        new(typeface, size) { Edging = SKFontEdging.Antialias, Subpixel = true };

    private static SKTypeface LoadTypeface(SKFontStyle style)
    {
        // DejaVu Sans is on most Linux systems and has the glyphs captions use (‖, ₂, ·);
        // SkiaSharp falls back to the platform default when it is missing.
        return SKTypeface.FromFamilyName("DejaVu Sans", style) ?? SKTypeface.Default;
    }
}
