using System.Globalization;
using SkiaSharp;

namespace FastNmf.Cli.Rendering;

/// <summary>
/// Renders a stack of same-sized images (NMF diffractions or maps) as one labelled montage PNG
/// with colour limits and colour bars, so a microscopist can read components side by side.
/// </summary>
internal static class MontageRenderer
{
    // Log scale shows this many "units" of the [low, high] range: log1p(1000 t) / log1p(1000)
    // spans three decades, about what 8-bit colour can resolve, and is finite at t = 0.
    private const float LogDynamicRange = 1000f;

    private static readonly SKColor s_textColor = new(0x20, 0x20, 0x20);
    private static readonly SKColor s_noteColor = new(0x60, 0x60, 0x60);
    private static readonly SKColor s_frameColor = new(0xA0, 0xA0, 0xA0);

    /// <summary>
    /// Writes <paramref name="count"/> images of <paramref name="rows"/> × <paramref name="cols"/>
    /// (row-major, image after image) as a montage PNG at <paramref name="path"/>.
    /// </summary>
    internal static void WritePng(string path, ReadOnlySpan<float> images, int count, int rows, int cols, MontageOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using SKBitmap bitmap = Render(images, count, rows, cols, options, out _);
        Save(bitmap, path);
    }

    /// <summary>Draws the montage <see cref="WritePng"/> writes, for callers that draw over it (e.g. a circle on each
    /// tile, placed with <paramref name="layout"/>); the caller disposes the bitmap.</summary>
    internal static SKBitmap Render(ReadOnlySpan<float> images, int count, int rows, int cols, MontageOptions options, out MontageLayout layout)
    {
        Validate(images.Length, count, rows, cols, options);

        layout = MontageLayout.Compute(count, rows, cols, options);
        int pixels = rows * cols;
        var limits = new IntensityLimits[count];
        if (options.SharedScale)
        {
            Array.Fill(limits, IntensityLimits.Compute(images));
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                limits[i] = IntensityLimits.Compute(images.Slice(i * pixels, pixels));
            }
        }

        SKColor[] lut = BuildLut(options.Colormap);
        var bitmap = new SKBitmap(new SKImageInfo(layout.Width, layout.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var fonts = new MontageFonts())
        {
            canvas.Clear(SKColors.White);
            DrawTitle(canvas, fonts, options);
            for (int i = 0; i < count; i++)
            {
                DrawTile(canvas, fonts, layout, options, i, images.Slice(i * pixels, pixels), rows, cols, limits[i], lut);
            }

            if (options.SharedScale)
            {
                DrawColourBar(canvas, fonts, layout.SharedBarRect, limits[0], lut, MontageLayout.SharedBarHeight);
            }

            canvas.Flush();
        }

        return bitmap;
    }

    /// <summary>Formats with 3 significant digits: "0.0123", "12.3", "123", "1.23e4", "1.23e-4".</summary>
    internal static string FormatNumber(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        if (value == 0)
        {
            return "0";
        }

        double magnitude = Math.Abs(value);
        int exponent = (int)Math.Floor(Math.Log10(magnitude));
        double mantissa = Math.Round(magnitude / Math.Pow(10, exponent), 2);
        if (mantissa >= 10)
        {
            // Rounding 9.996 to 10.0 must carry into the exponent.
            mantissa /= 10;
            exponent++;
        }

        string sign = value < 0 ? "-" : string.Empty;
        if (exponent is >= -2 and <= 2)
        {
            double rounded = mantissa * Math.Pow(10, exponent);
            return sign + rounded.ToString("F" + (2 - exponent).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }

        return sign + mantissa.ToString("0.00", CultureInfo.InvariantCulture) + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    private static void Validate(int length, int count, int rows, int cols, MontageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (count < 1)
        {
            throw new ArgumentException($"At least one image is needed, got {count}.", nameof(count));
        }

        if (rows < 1)
        {
            throw new ArgumentException($"Images need at least one row, got {rows}.", nameof(rows));
        }

        if (cols < 1)
        {
            throw new ArgumentException($"Images need at least one column, got {cols}.", nameof(cols));
        }

        // long arithmetic so absurd dimensions report a mismatch instead of overflowing.
        long expected = (long)count * rows * cols;
        if (length != expected)
        {
            throw new ArgumentException($"Expected {count} × {rows} × {cols} = {expected} values, got {length}.", "images");
        }

        if (options.TilePixels < 1)
        {
            throw new ArgumentException($"TilePixels must be at least 1, got {options.TilePixels}.", nameof(options));
        }

        if (options.Captions is not null && options.Captions.Count != count)
        {
            throw new ArgumentException($"Expected one caption per image ({count}), got {options.Captions.Count}.", nameof(options));
        }
    }

    /// <summary>256 colours from low to high: viridis, or grey when <paramref name="viridis"/> is false.</summary>
    internal static SKColor[] BuildLut(bool viridis)
    {
        var lut = new SKColor[256];
        for (int i = 0; i < lut.Length; i++)
        {
            float t = i / 255f;
            lut[i] = viridis ? Colormap.Map(t) : Colormap.Gray(t);
        }

        return lut;
    }

    private static void DrawTitle(SKCanvas canvas, MontageFonts fonts, MontageOptions options)
    {
        using var paint = new SKPaint { Color = s_textColor, IsAntialias = true };
        float baseline = MontageLayout.Margin + MontageFonts.TitleFontSize;
        canvas.DrawText(options.Title, MontageLayout.Margin, baseline, SKTextAlign.Left, fonts.Title, paint);
        float x = MontageLayout.Margin + fonts.Title.MeasureText(options.Title) + 16;
        paint.Color = s_noteColor;
        canvas.DrawText(options.ScaleNote, x, baseline, SKTextAlign.Left, fonts.Note, paint);
    }

    private static void DrawTile(
        SKCanvas canvas, MontageFonts fonts, MontageLayout layout, MontageOptions options, int index,
        ReadOnlySpan<float> image, int rows, int cols, IntensityLimits limits, SKColor[] lut)
    {
        SKRectI cell = layout.CellRect(index);
        using var paint = new SKPaint { Color = s_textColor, IsAntialias = true };
        canvas.DrawText(options.LabelPrefix + index.ToString(CultureInfo.InvariantCulture), cell.Left, cell.Top + MontageFonts.LabelFontSize, SKTextAlign.Left, fonts.Label, paint);
        if (options.Captions is not null && layout.HasCaptions)
        {
            paint.Color = s_noteColor;
            canvas.DrawText(options.Captions[index] ?? string.Empty, cell.Left, cell.Top + MontageLayout.LabelBand + MontageFonts.CaptionFontSize, SKTextAlign.Left, fonts.Caption, paint);
        }

        SKRectI target = layout.ImageRect(index);
        DrawImage(canvas, target, image, rows, cols, limits, options.Scale, lut);
        if (!options.SharedScale)
        {
            var bar = new SKRectI(cell.Left, target.Bottom + MontageLayout.BarGap, cell.Right, target.Bottom + MontageLayout.BarGap + MontageLayout.BarHeight);
            DrawColourBar(canvas, fonts, bar, limits, lut, MontageLayout.BarHeight);
        }
    }

    /// <summary>Colour-maps one image between <paramref name="limits"/> and draws it into <paramref name="target"/>.</summary>
    internal static void DrawImage(SKCanvas canvas, SKRectI target, ReadOnlySpan<float> image, int rows, int cols, IntensityLimits limits, IntensityScale scale, SKColor[] lut)
    {
        bool downscale = target.Width < cols || target.Height < rows;
        using SKBitmap tile = downscale
            ? Colorize(AreaResample(image, rows, cols, target.Height, target.Width), target.Height, target.Width, limits, scale, lut)
            : Colorize(image, rows, cols, limits, scale, lut);
        using SKImage tileImage = SKImage.FromBitmap(tile);

        // Nearest-neighbour for enlargement (scan pixels are samples, not a continuous image);
        // a downscaled tile was already area-averaged to exactly the target size.
        canvas.DrawImage(tileImage, SKRect.Create(target.Left, target.Top, target.Width, target.Height), new SKSamplingOptions(SKFilterMode.Nearest));
    }

    /// <summary>A horizontal colour bar with the low and high limit printed under its ends.</summary>
    internal static void DrawColourBar(SKCanvas canvas, MontageFonts fonts, SKRectI bar, IntensityLimits limits, SKColor[] lut, int barHeight)
    {
        using var paint = new SKPaint { IsAntialias = false, Style = SKPaintStyle.Fill };
        for (int x = 0; x < bar.Width; x++)
        {
            float t = bar.Width == 1 ? 1f : x / (float)(bar.Width - 1);
            paint.Color = lut[(int)MathF.Round(t * 255f)];
            canvas.DrawRect(bar.Left + x, bar.Top, 1, barHeight, paint);
        }

        paint.Style = SKPaintStyle.Stroke;
        paint.StrokeWidth = 1;
        paint.Color = s_frameColor;
        canvas.DrawRect(bar.Left - 0.5f, bar.Top - 0.5f, bar.Width + 1, barHeight + 1, paint);

        using var text = new SKPaint { Color = s_textColor, IsAntialias = true };
        float baseline = bar.Top + barHeight + 2 + MontageFonts.NumberFontSize;
        canvas.DrawText(FormatNumber(limits.Low), bar.Left, baseline, SKTextAlign.Left, fonts.Number, text);
        canvas.DrawText(FormatNumber(limits.High), bar.Right, baseline, SKTextAlign.Right, fonts.Number, text);
    }

    private static SKBitmap Colorize(ReadOnlySpan<float> values, int rows, int cols, IntensityLimits limits, IntensityScale scale, SKColor[] lut)
    {
        var bitmap = new SKBitmap(new SKImageInfo(cols, rows, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Span<byte> pixels = bitmap.GetPixelSpan();
        int rowBytes = bitmap.RowBytes;
        float low = (float)limits.Low;
        float range = (float)(limits.High - limits.Low);
        float inverseRange = range > 0 && float.IsFinite(range) ? 1f / range : 0f;
        float logNorm = 1f / MathF.Log(1f + LogDynamicRange);
        for (int r = 0; r < rows; r++)
        {
            Span<byte> row = pixels.Slice(r * rowBytes, cols * 4);
            for (int c = 0; c < cols; c++)
            {
                float v = values[r * cols + c];

                // NaN and ±Inf carry no usable intensity; they take the low colour. The negated
                // comparison also maps a NaN produced by inverseRange == 0 onto the low end.
                float t = float.IsFinite(v) ? (v - low) * inverseRange : 0f;
                t = !(t > 0f) ? 0f : t > 1f ? 1f : t;
                t = scale switch
                {
                    IntensityScale.Sqrt => MathF.Sqrt(t),
                    IntensityScale.Log => MathF.Log(1f + LogDynamicRange * t) * logNorm,
                    _ => t,
                };
                SKColor color = lut[(int)(t * 255f + 0.5f)];
                row[4 * c] = color.Red;
                row[4 * c + 1] = color.Green;
                row[4 * c + 2] = color.Blue;
                row[4 * c + 3] = 255;
            }
        }

        return bitmap;
    }

    /// <summary>
    /// Exact area-weighted downsampling in data space (before colour mapping, so averaged pixels
    /// are averaged intensities rather than blends of colours). Non-finite values are skipped.
    /// </summary>
    private static float[] AreaResample(ReadOnlySpan<float> source, int rows, int cols, int outRows, int outCols)
    {
        // Horizontal pass keeps (weighted sum, finite weight) so the vertical pass can weight
        // partially-NaN rows correctly.
        var sum = new double[rows * outCols];
        var weight = new double[rows * outCols];
        double sx = (double)cols / outCols;
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < outCols; j++)
            {
                double x0 = j * sx;
                double x1 = x0 + sx;
                double s = 0;
                double w = 0;
                for (int c = (int)x0; c < cols && c < x1; c++)
                {
                    double overlap = Math.Min(c + 1, x1) - Math.Max(c, x0);
                    float v = source[r * cols + c];
                    if (overlap > 0 && float.IsFinite(v))
                    {
                        s += overlap * v;
                        w += overlap;
                    }
                }

                sum[r * outCols + j] = s;
                weight[r * outCols + j] = w;
            }
        }

        var result = new float[outRows * outCols];
        double sy = (double)rows / outRows;
        for (int i = 0; i < outRows; i++)
        {
            double y0 = i * sy;
            double y1 = y0 + sy;
            for (int j = 0; j < outCols; j++)
            {
                double s = 0;
                double w = 0;
                for (int r = (int)y0; r < rows && r < y1; r++)
                {
                    double overlap = Math.Min(r + 1, y1) - Math.Max(r, y0);
                    if (overlap > 0)
                    {
                        s += overlap * sum[r * outCols + j];
                        w += overlap * weight[r * outCols + j];
                    }
                }

                result[i * outCols + j] = w > 0 ? (float)(s / w) : float.NaN;
            }
        }

        return result;
    }

    /// <summary>Encodes <paramref name="bitmap"/> as PNG at <paramref name="path"/> (via a temporary sibling file).</summary>
    internal static void Save(SKBitmap bitmap, string path)
    {
        // Write to a sibling temp file and move it into place so a crash or a concurrent viewer
        // never sees a half-written PNG.
        string temporary = path + ".tmp";
        try
        {
            using (SKImage image = SKImage.FromBitmap(bitmap))
            using (SKData data = image.Encode(SKEncodedImageFormat.Png, 100)
                ?? throw new InvalidOperationException($"SkiaSharp could not encode the montage for '{path}' as PNG."))
            using (FileStream stream = File.Create(temporary))
            {
                data.SaveTo(stream);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
