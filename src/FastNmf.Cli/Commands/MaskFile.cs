using FastNmf.IO;
using SkiaSharp;

namespace FastNmf.Cli.Commands;

/// <summary>
/// Reads a detector mask from a file: a 2-D <c>.npy</c> (any dtype) or a <c>.png</c>. Nonzero means excluded: a nonzero
/// element, or a pixel that is not black (any colour channel above 0; alpha ignored) — so a mask painted white on black
/// masks what is painted, and anti-aliased edges are masked too.
/// </summary>
internal static class MaskFile
{
    /// <summary>The mask (true = excluded), row-major, and its shape.</summary>
    /// <exception cref="DataFormatException">not a 2-D .npy, an unreadable .png, or another extension.</exception>
    public static (bool[] Masked, int Rows, int Cols) Load(string path)
    {
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            NpyArray a = NpyReader.ReadFloat32(path);
            if (a.Shape.Length != 2)
            {
                throw new DataFormatException(path, null, $"a mask must be a 2-D array (det_rows, det_cols), got shape ({string.Join(", ", a.Shape)}).");
            }

            return (a.Data.Select(v => v != 0).ToArray(), (int)a.Shape[0], (int)a.Shape[1]);
        }

        if (path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(path))
            {
                throw new DataFormatException(path, null, "file not found");
            }

            using SKBitmap? bitmap = SKBitmap.Decode(path);
            if (bitmap is null)
            {
                throw new DataFormatException(path, null, "not a readable PNG image.");
            }

            var masked = new bool[bitmap.Width * bitmap.Height];
            for (int r = 0; r < bitmap.Height; r++)
            {
                for (int c = 0; c < bitmap.Width; c++)
                {
                    SKColor p = bitmap.GetPixel(c, r);
                    masked[(r * bitmap.Width) + c] = p.Red > 0 || p.Green > 0 || p.Blue > 0;
                }
            }

            return (masked, bitmap.Height, bitmap.Width);
        }

        throw new DataFormatException(path, null, "a mask file is a 2-D .npy or a .png (nonzero / not black = excluded).");
    }
}
