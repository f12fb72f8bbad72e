using FastNmf.Cli.Rendering;
using SkiaSharp;

namespace FastNmf.Cli.Report;

/// <summary>
/// The amplitude of each map's Fourier transform (<see cref="MapSpectrum"/>, log scale, zero frequency at the centre,
/// ±0.5 cycles per scan step at the edges) with the resolution limit (<see cref="ResolutionLimit"/>) as a dashed
/// white circle, as in the paper's Fig. 5b–c.
/// </summary>
internal static class MapSpectrumFigure
{
    /// <summary>Draws the figure; the caller disposes the bitmap.</summary>
    /// <param name="factors">Factors with maps.</param>
    /// <param name="limit">Resolution limit in cycles per scan step, or null for no circle.</param>
    public static SKBitmap Render(Factors factors, double? limit)
    {
        if (factors.H is null)
        {
            throw new InvalidOperationException("map spectra need maps (H.npy).");
        }

        int rows = factors.ScanRows;
        int cols = factors.ScanCols;
        float[] spectra = MapSpectrum.Amplitudes(factors.H, factors.Components, rows, cols);
        var options = new MontageOptions("FT h", IntensityScale.Log, SharedScale: false, Title: "Fourier transforms of the maps (amplitude, mean removed)");
        SKBitmap bitmap = MontageRenderer.Render(spectra, factors.Components, rows, cols, options, out MontageLayout layout);
        if (limit is { } f)
        {
            using var canvas = new SKCanvas(bitmap);
            using var dash = SKPathEffect.CreateDash([5f, 4f], 0);
            using var pen = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f, IsAntialias = true, PathEffect = dash };
            for (int i = 0; i < factors.Components; i++)
            {
                SKRectI image = layout.ImageRect(i);
                float sx = image.Width / (float)cols;
                float sy = image.Height / (float)rows;

                // Zero frequency is the centre of pixel (rows / 2, cols / 2); f cycles per step is f·n pixels from it.
                float cx = image.Left + (((cols / 2) + 0.5f) * sx);
                float cy = image.Top + (((rows / 2) + 0.5f) * sy);
                var oval = new SKRect(cx - (float)(f * cols * sx), cy - (float)(f * rows * sy), cx + (float)(f * cols * sx), cy + (float)(f * rows * sy));
                canvas.Save();
                canvas.ClipRect(SKRect.Create(image.Left, image.Top, image.Width, image.Height));
                canvas.DrawOval(oval, pen);
                canvas.Restore();
            }
        }

        return bitmap;
    }
}
