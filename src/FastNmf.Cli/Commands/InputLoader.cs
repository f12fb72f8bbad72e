using FastNmf.Data;
using FastNmf.IO;

namespace FastNmf.Cli.Commands;

/// <summary>Where the data came from, for summary.json.</summary>
internal sealed record InputInfo(string Path, long[] Shape, string Dtype, bool FortranOrder, long Clipped);

/// <summary>Loads a 4-D .npy file as float32 (converted once), checks its values, and reports what it did.</summary>
internal static class InputLoader
{
    public static (Dataset4D Data, InputInfo Info) Load(string path, bool clipNegative)
    {
        NpyArray array = NpyReader.ReadFloat32(path);
        long[] s = array.Shape;
        if (s.Length != 4)
        {
            throw new DataFormatException(path, null,
                $"array has {s.Length} dimension(s) ({string.Join(", ", s)}); expected 4: (scan_rows, scan_cols, det_rows, det_cols).");
        }

        if (s.Any(d => d < 1 || d > int.MaxValue))
        {
            throw new DataFormatException(path, null, $"shape ({string.Join(", ", s)}) has an empty or oversized dimension.");
        }

        var data = new Dataset4D(array.Data, (int)s[0], (int)s[1], (int)s[2], (int)s[3]);
        long clipped;
        try
        {
            clipped = data.ValidateValues(clipNegative);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, null, e.Message, e);
        }

        return (data, new InputInfo(Path.GetFullPath(path), s, array.SourceDtype.ToString().ToLowerInvariant(), array.WasFortranOrder, clipped));
    }
}
