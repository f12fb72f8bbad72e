using System.Globalization;
using SkiaSharp;

namespace FastNmf.Cli.Rendering;

/// <summary>
/// Renders a stack of same-sized images (NMF diffractions or maps) as one labelled montage PNG
/// with colour limits and colour bars, so a microscopist can read components side by side.
/// </summary>
internal static class MontageRenderer
{
    internal const int MaxTilesPerRow = 6;

    // The high limit is a percentile rather than the max: a single hot pixel (central beam,
    // detector defect, one strong Bragg spot) would otherwise push everything else to black.
    internal const double HighPercentile = 99.5;

    // Log scale shows this many "units" of the [low, high] range: log1p(1000 t) / log1p(1000)
    // spans three decades, about what 8-bit colour can resolve, and is finite at t = 0.
    private const float LogDynamicRange = 1000f;

    private const int Margin = 16;
    private const int TitleBand = 32;
    private const int LabelBand = 19;
    private const int CaptionBand = 16;
    private const int ImageGap = 3;
    private const int BarGap = 5;
    private const int BarHeight = 9;
    private const int NumberBand = 15;
    private const int CellGapX = 20;
    private const int CellGapY = 16;
    private const int SharedBarGap = 14;
    private const int SharedBarHeight = 12;
    private const int SharedBarMinWidth = 260;

    private const float TitleFontSize = 18f;
    private const float NoteFontSize = 12f;
    private const float LabelFontSize = 14f;
    private const float CaptionFontSize = 12f;
    private const float NumberFontSize = 11f;

    // Widest plausible limit label; sizing cells from it keeps the layout independent of data.
    private const string WidestNumber = "-8.88e-88";

    private static readonly SKColor _textColor = new(0x20, 0x20, 0x20);
    private static readonly SKColor _noteColor = new(0x60, 0x60, 0x60);
    private static readonly SKColor _frameColor = new(0xA0, 0xA0, 0xA0);

    // Typefaces are process-wide and never disposed: SKTypeface.Default may be returned as a
    // fallback, and disposing that shared instance would break later renders.
    private static readonly Lazy<SKTypeface> _regular = new(() => LoadTypeface(SKFontStyle.Normal));
    private static readonly Lazy<SKTypeface> _bold = new(() => LoadTypeface(SKFontStyle.Bold));

    /// <summary>
    /// Writes <paramref name="count"/> images of <paramref name="rows"/> × <paramref name="cols"/>
    /// (row-major, image after image) as a montage PNG at <paramref name="path"/>.
    /// </summary>
    internal static void WritePng(string path, ReadOnlySpan<float> images, int count, int rows, int cols, MontageOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Validate(images.Length, count, rows, cols, options);

        Layout layout = ComputeLayout(count, rows, cols, options);
        int pixels = rows * cols;
        var limits = new Limits[count];
        if (options.SharedScale)
        {
            Array.Fill(limits, Limits.Compute(images));
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                limits[i] = Limits.Compute(images.Slice(i * pixels, pixels));
            }
        }

        SKColor[] lut = BuildLut(options.Colormap);
        using var bitmap = new SKBitmap(new SKImageInfo(layout.Width, layout.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var fonts = new Fonts())
        {
            canvas.Clear(SKColors.White);
            DrawTitle(canvas, fonts, options);
            for (int i = 0; i < count; i++)
            {
                DrawTile(canvas, fonts, layout, options, i, images.Slice(i * pixels, pixels), rows, cols, limits[i], lut);
            }

            if (options.SharedScale)
            {
                DrawColourBar(canvas, fonts, layout.SharedBarRect, limits[0], lut, SharedBarHeight);
            }

            canvas.Flush();
        }

        Save(bitmap, path);
    }

    /// <summary>Pixel geometry of the montage; exposed so callers and tests can locate tiles.</summary>
    internal static Layout ComputeLayout(int count, int rows, int cols, MontageOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, 1);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TilePixels, 1, nameof(options));

        (int displayWidth, int displayHeight) = DisplaySize(rows, cols, options.TilePixels);
        using var fonts = new Fonts();

        // A cell is as wide as the image, but never so narrow that the two limit labels under
        // the colour bar collide, nor narrower than its label and caption.
        int barMinWidth = (int)MathF.Ceiling(2 * fonts.Number.MeasureText(WidestNumber) + 12);
        int cellWidth = Math.Max(displayWidth, options.SharedScale ? 0 : barMinWidth);
        cellWidth = Math.Max(cellWidth, (int)MathF.Ceiling(fonts.Label.MeasureText(options.LabelPrefix + (count - 1).ToString(CultureInfo.InvariantCulture))));
        bool hasCaptions = options.Captions is { Count: > 0 };
        if (options.Captions is not null)
        {
            foreach (string caption in options.Captions)
            {
                cellWidth = Math.Max(cellWidth, (int)MathF.Ceiling(fonts.Caption.MeasureText(caption ?? string.Empty)));
            }
        }

        int imageOffsetY = LabelBand + (hasCaptions ? CaptionBand : 0) + ImageGap;
        int cellHeight = imageOffsetY + displayHeight + (options.SharedScale ? 0 : BarGap + BarHeight + NumberBand);
        int tilesPerRow = Math.Min(count, MaxTilesPerRow);
        int tileRows = (count + tilesPerRow - 1) / tilesPerRow;
        int gridWidth = tilesPerRow * cellWidth + (tilesPerRow - 1) * CellGapX;
        int gridHeight = tileRows * cellHeight + (tileRows - 1) * CellGapY;

        int titleWidth = (int)MathF.Ceiling(fonts.Title.MeasureText(options.Title) + 16 + fonts.Note.MeasureText(Note(options)));
        int width = 2 * Margin + Math.Max(gridWidth, titleWidth);
        int gridTop = Margin + TitleBand;
        int height = gridTop + gridHeight + Margin;
        SKRectI sharedBar = SKRectI.Empty;
        if (options.SharedScale)
        {
            int barWidth = Math.Max(Math.Min(gridWidth, SharedBarMinWidth), barMinWidth);
            int barTop = gridTop + gridHeight + SharedBarGap;
            sharedBar = new SKRectI(Margin, barTop, Margin + barWidth, barTop + SharedBarHeight);
            width = Math.Max(width, 2 * Margin + barWidth);
            height = barTop + SharedBarHeight + NumberBand + Margin;
        }

        return new Layout(width, height, tilesPerRow, cellWidth, cellHeight, imageOffsetY, displayWidth, displayHeight, gridTop, hasCaptions, sharedBar);
    }

    /// <summary>
    /// On-screen image size: small images are enlarged by an integer factor so nearest-neighbour
    /// upscaling keeps every scan pixel a crisp, equal square; large ones are area-averaged down.
    /// </summary>
    internal static (int Width, int Height) DisplaySize(int rows, int cols, int tilePixels)
    {
        int longest = Math.Max(rows, cols);
        if (longest <= tilePixels)
        {
            int factor = Math.Max(1, (int)Math.Round((double)tilePixels / longest, MidpointRounding.AwayFromZero));
            return (cols * factor, rows * factor);
        }

        double s = (double)tilePixels / longest;
        return (Math.Max(1, (int)Math.Round(cols * s)), Math.Max(1, (int)Math.Round(rows * s)));
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

    private static SKColor[] BuildLut(bool viridis)
    {
        var lut = new SKColor[256];
        for (int i = 0; i < lut.Length; i++)
        {
            float t = i / 255f;
            lut[i] = viridis ? Colormap.Map(t) : Colormap.Gray(t);
        }

        return lut;
    }

    private static string Note(MontageOptions options)
    {
        string scale = options.Scale switch
        {
            IntensityScale.Sqrt => "sqrt scale",
            IntensityScale.Log => "log scale",
            _ => "linear scale",
        };
        string extent = options.SharedScale ? "shared by all tiles" : "per tile";
        return $"{scale} · colour limits: min to {HighPercentile.ToString(CultureInfo.InvariantCulture)}th percentile, {extent}";
    }

    private static void DrawTitle(SKCanvas canvas, Fonts fonts, MontageOptions options)
    {
        using var paint = new SKPaint { Color = _textColor, IsAntialias = true };
        float baseline = Margin + TitleFontSize;
        canvas.DrawText(options.Title, Margin, baseline, SKTextAlign.Left, fonts.Title, paint);
        float x = Margin + fonts.Title.MeasureText(options.Title) + 16;
        paint.Color = _noteColor;
        canvas.DrawText(Note(options), x, baseline, SKTextAlign.Left, fonts.Note, paint);
    }

    private static void DrawTile(
        SKCanvas canvas, Fonts fonts, Layout layout, MontageOptions options, int index,
        ReadOnlySpan<float> image, int rows, int cols, Limits limits, SKColor[] lut)
    {
        SKRectI cell = layout.CellRect(index);
        using var paint = new SKPaint { Color = _textColor, IsAntialias = true };
        canvas.DrawText(options.LabelPrefix + index.ToString(CultureInfo.InvariantCulture), cell.Left, cell.Top + LabelFontSize, SKTextAlign.Left, fonts.Label, paint);
        if (options.Captions is not null && layout.HasCaptions)
        {
            paint.Color = _noteColor;
            canvas.DrawText(options.Captions[index] ?? string.Empty, cell.Left, cell.Top + LabelBand + CaptionFontSize, SKTextAlign.Left, fonts.Caption, paint);
        }

        SKRectI target = layout.ImageRect(index);
        bool downscale = target.Width < cols || target.Height < rows;
        using SKBitmap tile = downscale
            ? Colorize(AreaResample(image, rows, cols, target.Height, target.Width), target.Height, target.Width, limits, options.Scale, lut)
            : Colorize(image, rows, cols, limits, options.Scale, lut);
        using SKImage tileImage = SKImage.FromBitmap(tile);

        // Nearest-neighbour for enlargement (scan pixels are samples, not a continuous image);
        // a downscaled tile was already area-averaged to exactly the target size.
        canvas.DrawImage(tileImage, SKRect.Create(target.Left, target.Top, target.Width, target.Height), new SKSamplingOptions(SKFilterMode.Nearest));

        if (!options.SharedScale)
        {
            var bar = new SKRectI(cell.Left, target.Bottom + BarGap, cell.Right, target.Bottom + BarGap + BarHeight);
            DrawColourBar(canvas, fonts, bar, limits, lut, BarHeight);
        }
    }

    private static void DrawColourBar(SKCanvas canvas, Fonts fonts, SKRectI bar, Limits limits, SKColor[] lut, int barHeight)
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
        paint.Color = _frameColor;
        canvas.DrawRect(bar.Left - 0.5f, bar.Top - 0.5f, bar.Width + 1, barHeight + 1, paint);

        using var text = new SKPaint { Color = _textColor, IsAntialias = true };
        float baseline = bar.Top + barHeight + 2 + NumberFontSize;
        canvas.DrawText(FormatNumber(limits.Low), bar.Left, baseline, SKTextAlign.Left, fonts.Number, text);
        canvas.DrawText(FormatNumber(limits.High), bar.Right, baseline, SKTextAlign.Right, fonts.Number, text);
    }

    private static SKBitmap Colorize(ReadOnlySpan<float> values, int rows, int cols, Limits limits, IntensityScale scale, SKColor[] lut)
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

    private static void Save(SKBitmap bitmap, string path)
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

    private static SKTypeface LoadTypeface(SKFontStyle style)
    {
        // DejaVu Sans is on most Linux systems and has the glyphs captions use (‖, ₂, ·);
        // SkiaSharp falls back to the platform default when it is missing.
        return SKTypeface.FromFamilyName("DejaVu Sans", style) ?? SKTypeface.Default;
    }

    /// <summary>Colour limits of one tile (or of all tiles when shared).</summary>
    private readonly record struct Limits(double Low, double High)
    {
        internal static Limits Compute(ReadOnlySpan<float> values)
        {
            var finite = new float[values.Length];
            int n = 0;
            foreach (float v in values)
            {
                if (float.IsFinite(v))
                {
                    finite[n++] = v;
                }
            }

            if (n == 0)
            {
                return new Limits(0, 0);
            }

            Span<float> sorted = finite.AsSpan(0, n);
            sorted.Sort();
            double low = sorted[0];
            double position = HighPercentile / 100.0 * (n - 1);
            int below = (int)Math.Floor(position);
            int above = Math.Min(below + 1, n - 1);
            double high = sorted[below] + (position - below) * (sorted[above] - sorted[below]);
            if (high <= low)
            {
                // Mostly-constant image with a few outliers (e.g. zeros and some spots): the
                // percentile collapses onto the minimum, so fall back to the max to show anything.
                high = sorted[n - 1];
            }

            return new Limits(low, high);
        }
    }

    /// <summary>Pixel geometry of a montage.</summary>
    internal sealed class Layout(
        int width, int height, int tilesPerRow, int cellWidth, int cellHeight, int imageOffsetY,
        int displayWidth, int displayHeight, int gridTop, bool hasCaptions, SKRectI sharedBarRect)
    {
        internal int Width { get; } = width;

        internal int Height { get; } = height;

        internal int TilesPerRow { get; } = tilesPerRow;

        /// <summary>Size of each drawn image; an integer multiple of the source when enlarged.</summary>
        internal int DisplayWidth { get; } = displayWidth;

        internal int DisplayHeight { get; } = displayHeight;

        internal bool HasCaptions { get; } = hasCaptions;

        /// <summary>The shared colour bar, empty unless <see cref="MontageOptions.SharedScale"/>.</summary>
        internal SKRectI SharedBarRect { get; } = sharedBarRect;

        internal SKRectI CellRect(int index)
        {
            int left = Margin + index % TilesPerRow * (cellWidth + CellGapX);
            int top = gridTop + index / TilesPerRow * (cellHeight + CellGapY);
            return new SKRectI(left, top, left + cellWidth, top + cellHeight);
        }

        /// <summary>Where image <paramref name="index"/> is drawn in the PNG.</summary>
        internal SKRectI ImageRect(int index)
        {
            SKRectI cell = CellRect(index);
            return SKRectI.Create(cell.Left, cell.Top + imageOffsetY, DisplayWidth, DisplayHeight);
        }
    }

    private sealed class Fonts : IDisposable
    {
        internal SKFont Title { get; } = Create(_bold.Value, TitleFontSize);

        internal SKFont Note { get; } = Create(_regular.Value, NoteFontSize);

        internal SKFont Label { get; } = Create(_bold.Value, LabelFontSize);

        internal SKFont Caption { get; } = Create(_regular.Value, CaptionFontSize);

        internal SKFont Number { get; } = Create(_regular.Value, NumberFontSize);

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
    }
}
