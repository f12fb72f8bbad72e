using SkiaSharp;

namespace FastNmf.Cli.Report;

/// <summary>Saves each rendered figure as a PNG under <c>figures/</c> and hands back its bytes for embedding.</summary>
internal sealed class FigureSink
{
    /// <summary>The folder, relative to the report.</summary>
    public const string Folder = "figures";

    private readonly string _dir;
    private readonly List<string> _written = [];

    public FigureSink(string reportDir)
    {
        _dir = Path.Combine(reportDir, Folder);
        Directory.CreateDirectory(_dir);
    }

    /// <summary>Relative paths (figures/NAME.png) written so far.</summary>
    public IReadOnlyList<string> Written => _written;

    /// <summary>Encodes <paramref name="bitmap"/> (and disposes it), writes figures/<paramref name="name"/>, returns the PNG bytes.</summary>
    public byte[] Save(SKBitmap bitmap, string name)
    {
        using (bitmap)
        using (SKImage image = SKImage.FromBitmap(bitmap))
        using (SKData data = image.Encode(SKEncodedImageFormat.Png, 100) ?? throw new InvalidOperationException($"SkiaSharp could not encode {name} as PNG."))
        {
            byte[] png = data.ToArray();
            File.WriteAllBytes(Path.Combine(_dir, name), png);
            _written.Add($"{Folder}/{name}");
            return png;
        }
    }

    /// <summary>The relative path of a figure, for captions.</summary>
    public static string PathOf(string name) => $"{Folder}/{name}";
}
