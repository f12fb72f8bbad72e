using FastNmf.Cli.Rendering;
using SkiaSharp;

namespace FastNmf.Cli.Report;

/// <summary>
/// A grid of cells, each holding one or more images side by side (a diffraction next to its map, a true component
/// next to the found one), drawn with the montage's colormap, fonts and colour bars. Each image gets its own colour
/// bar unless the figure has shared bars, one per image slot, drawn under the grid.
/// </summary>
internal static class ImageGridFigure
{
    private const int ImageGapX = 14;
    private const int BarMinWidth = 120;
    private const int SharedBarWidth = 260;
    private static readonly SKColor s_text = new(0x20, 0x20, 0x20);
    private static readonly SKColor s_note = new(0x60, 0x60, 0x60);

    /// <summary>Draws the grid; the caller disposes the bitmap.</summary>
    /// <param name="title">Bold first line.</param>
    /// <param name="note">Grey text after the title (scale, units).</param>
    /// <param name="cells">The cells, filled row by row.</param>
    /// <param name="cellsPerRow">Cells per grid row.</param>
    /// <param name="sharedBars">One bar per image slot when the slots share limits; null for a bar under every image.</param>
    /// <param name="tilePixels">Approximate on-screen size of an image's longer side.</param>
    public static SKBitmap Render(string title, string note, IReadOnlyList<GridCell> cells, int cellsPerRow, IReadOnlyList<SharedBar>? sharedBars, int tilePixels = 150)
    {
        if (cells.Count == 0 || cells.Any(c => c.Images.Count == 0))
        {
            throw new ArgumentException("a grid figure needs at least one cell, each with at least one image.", nameof(cells));
        }

        cellsPerRow = Math.Clamp(cellsPerRow, 1, cells.Count);
        int slots = cells.Max(c => c.Images.Count);
        bool perImageBars = sharedBars is null;
        bool captions = cells.Any(c => !string.IsNullOrEmpty(c.Caption));
        using var fonts = new MontageFonts();

        // Slot widths and the image height are the largest over all cells, so the grid stays aligned.
        var slotWidth = new int[slots];
        int imageHeight = 0;
        foreach (GridCell cell in cells)
        {
            for (int s = 0; s < cell.Images.Count; s++)
            {
                (int w, int h) = MontageLayout.DisplaySize(cell.Images[s].Rows, cell.Images[s].Cols, tilePixels);
                slotWidth[s] = Math.Max(slotWidth[s], Math.Max(w, perImageBars ? BarMinWidth : 0));
                imageHeight = Math.Max(imageHeight, h);
            }
        }

        int cellWidth = slotWidth.Sum() + ((slots - 1) * ImageGapX);
        foreach (GridCell cell in cells)
        {
            cellWidth = Math.Max(cellWidth, (int)MathF.Ceiling(fonts.Label.MeasureText(cell.Label)));
            cellWidth = Math.Max(cellWidth, (int)MathF.Ceiling(fonts.Caption.MeasureText(cell.Caption ?? string.Empty)));
        }

        int imageTop = MontageLayout.LabelBand + (captions ? MontageLayout.CaptionBand : 0) + MontageLayout.ImageGap;
        int cellHeight = imageTop + imageHeight + (perImageBars ? MontageLayout.BarGap + MontageLayout.BarHeight + MontageLayout.NumberBand : 0);
        int gridRows = (cells.Count + cellsPerRow - 1) / cellsPerRow;
        int gridWidth = (cellsPerRow * cellWidth) + ((cellsPerRow - 1) * MontageLayout.CellGapX * 2);
        int titleWidth = (int)MathF.Ceiling(fonts.Title.MeasureText(title) + 16 + fonts.Note.MeasureText(note));
        int gridTop = MontageLayout.Margin + MontageLayout.TitleBand;
        int gridBottom = gridTop + (gridRows * cellHeight) + ((gridRows - 1) * MontageLayout.CellGapY);
        int sharedHeight = sharedBars is null ? 0 : sharedBars.Count * (MontageLayout.LabelBand + MontageLayout.SharedBarHeight + MontageLayout.NumberBand);
        int width = (2 * MontageLayout.Margin) + Math.Max(Math.Max(gridWidth, titleWidth), sharedBars is null ? 0 : SharedBarWidth);
        int height = gridBottom + (sharedBars is null ? 0 : MontageLayout.SharedBarGap + sharedHeight) + MontageLayout.Margin;

        SKColor[] lut = MontageRenderer.BuildLut(viridis: true);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { Color = s_text, IsAntialias = true };
        canvas.Clear(SKColors.White);
        float baseline = MontageLayout.Margin + MontageFonts.TitleFontSize;
        canvas.DrawText(title, MontageLayout.Margin, baseline, SKTextAlign.Left, fonts.Title, paint);
        paint.Color = s_note;
        canvas.DrawText(note, MontageLayout.Margin + fonts.Title.MeasureText(title) + 16, baseline, SKTextAlign.Left, fonts.Note, paint);
        for (int i = 0; i < cells.Count; i++)
        {
            int left = MontageLayout.Margin + (i % cellsPerRow * (cellWidth + (2 * MontageLayout.CellGapX)));
            int top = gridTop + (i / cellsPerRow * (cellHeight + MontageLayout.CellGapY));
            DrawCell(canvas, fonts, cells[i], left, top, imageTop, slotWidth, perImageBars, tilePixels, lut);
        }

        if (sharedBars is not null)
        {
            int top = gridBottom + MontageLayout.SharedBarGap;
            foreach (SharedBar bar in sharedBars)
            {
                paint.Color = s_text;
                canvas.DrawText(bar.Label, MontageLayout.Margin, top + MontageFonts.CaptionFontSize, SKTextAlign.Left, fonts.Caption, paint);
                int barTop = top + MontageLayout.LabelBand;
                var rect = new SKRectI(MontageLayout.Margin, barTop, MontageLayout.Margin + SharedBarWidth, barTop + MontageLayout.SharedBarHeight);
                MontageRenderer.DrawColourBar(canvas, fonts, rect, bar.Limits, lut, MontageLayout.SharedBarHeight);
                top += MontageLayout.LabelBand + MontageLayout.SharedBarHeight + MontageLayout.NumberBand;
            }
        }

        canvas.Flush();
        return bitmap;
    }

    /// <summary>Limits over every value of the given images (for a shared scale).</summary>
    public static IntensityLimits SharedLimits(IEnumerable<float[]> images) => IntensityLimits.Compute(images.SelectMany(v => v).ToArray());

    private static void DrawCell(SKCanvas canvas, MontageFonts fonts, GridCell cell, int left, int top, int imageTop, int[] slotWidth, bool bars, int tilePixels, SKColor[] lut)
    {
        using var paint = new SKPaint { Color = s_text, IsAntialias = true };
        canvas.DrawText(cell.Label, left, top + MontageFonts.LabelFontSize, SKTextAlign.Left, fonts.Label, paint);
        if (!string.IsNullOrEmpty(cell.Caption))
        {
            paint.Color = s_note;
            canvas.DrawText(cell.Caption, left, top + MontageLayout.LabelBand + MontageFonts.CaptionFontSize, SKTextAlign.Left, fonts.Caption, paint);
        }

        int x = left;
        for (int s = 0; s < cell.Images.Count; s++)
        {
            GridImage image = cell.Images[s];
            (int w, int h) = MontageLayout.DisplaySize(image.Rows, image.Cols, tilePixels);
            var target = SKRectI.Create(x, top + imageTop, w, h);
            MontageRenderer.DrawImage(canvas, target, image.Values, image.Rows, image.Cols, image.Limits, image.Scale, lut);
            if (bars)
            {
                int barTop = target.Bottom + MontageLayout.BarGap;
                var bar = new SKRectI(x, barTop, x + slotWidth[s], barTop + MontageLayout.BarHeight);
                MontageRenderer.DrawColourBar(canvas, fonts, bar, image.Limits, lut, MontageLayout.BarHeight);
            }

            x += slotWidth[s] + ImageGapX;
        }
    }
}
