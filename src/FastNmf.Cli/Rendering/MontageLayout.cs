using System.Globalization;
using SkiaSharp;

namespace FastNmf.Cli.Rendering;

/// <summary>Pixel geometry of a montage; exposed so callers and tests can locate tiles.</summary>
internal sealed class MontageLayout(
    int width, int height, int tilesPerRow, int cellWidth, int cellHeight, int imageOffsetY,
    int displayWidth, int displayHeight, int gridTop, bool hasCaptions, SKRectI sharedBarRect)
{
    internal const int MaxTilesPerRow = 6;

    internal const int Margin = 16;
    internal const int TitleBand = 32;
    internal const int LabelBand = 19;
    internal const int CaptionBand = 16;
    internal const int ImageGap = 3;
    internal const int BarGap = 5;
    internal const int BarHeight = 9;
    internal const int NumberBand = 15;
    internal const int CellGapX = 20;
    internal const int CellGapY = 16;
    internal const int SharedBarGap = 14;
    internal const int SharedBarHeight = 12;
    internal const int SharedBarMinWidth = 260;

    // Widest plausible limit label; sizing cells from it keeps the layout independent of data.
    private const string WidestNumber = "-8.88e-88";

    /// <summary>Lays out <paramref name="count"/> tiles of <paramref name="rows"/> × <paramref name="cols"/> images.</summary>
    internal static MontageLayout Compute(int count, int rows, int cols, MontageOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(cols, 1);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TilePixels, 1, nameof(options));

        (int displayWidth, int displayHeight) = DisplaySize(rows, cols, options.TilePixels);
        using var fonts = new MontageFonts();

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

        int titleWidth = (int)MathF.Ceiling(fonts.Title.MeasureText(options.Title) + 16 + fonts.Note.MeasureText(options.ScaleNote));
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

        return new MontageLayout(width, height, tilesPerRow, cellWidth, cellHeight, imageOffsetY, displayWidth, displayHeight, gridTop, hasCaptions, sharedBar);
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
