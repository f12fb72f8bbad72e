using FastNmf.IO;
using FastNmf.Tests.Analysis;

namespace FastNmf.Tests.Cli;

/// <summary>
/// Factors made by hand, as another tool would leave them: four 64×64 diffractions — a lattice, the same lattice
/// rotated by <see cref="Rotation"/>°, a different lattice, and rings only — and optionally 6×5 maps.
/// </summary>
internal static class FactorFiles
{
    public const int Size = 64;
    public const int Components = 4;
    public const double Rotation = 40;
    public const int ScanRows = 6;
    public const int ScanCols = 5;

    public static float[] Diffractions()
    {
        var a = SyntheticPatterns.Spots(1, 8, 10, 26);
        var b = SyntheticPatterns.Spots(2, 8, 10, 26);
        return
        [
            .. SyntheticPatterns.Render(Size, a, 0),
            .. SyntheticPatterns.Render(Size, a, Rotation),
            .. SyntheticPatterns.Render(Size, b, 0),
            .. SyntheticPatterns.Render(Size, [], 0, ring: 1.0),
        ];
    }

    public static float[] Maps() => Enumerable.Range(0, Components * ScanRows * ScanCols).Select(i => (float)(1 + (i % 7) + (3 * (i / (ScanRows * ScanCols))))).ToArray();

    /// <summary>Creates <paramref name="dir"/> with W.npy and, if asked, H.npy.</summary>
    public static string Write(string dir, bool maps)
    {
        Directory.CreateDirectory(dir);
        NpyWriter.Write(Path.Combine(dir, "W.npy"), Diffractions(), [Components, Size, Size]);
        if (maps)
        {
            NpyWriter.Write(Path.Combine(dir, "H.npy"), Maps(), [Components, ScanRows, ScanCols]);
        }

        return dir;
    }
}
