using System.Globalization;
using System.Text.RegularExpressions;
using FastNmf.IO;
using PureHDF;
using PureHDF.VOL.Native;

namespace FastNmf.Hdf5;

/// <summary>
/// A DECTRIS acquisition (EIGER, ARINA, QUADRO): <c>NAME_master.h5</c> holds the metadata and external links
/// <c>/entry/data/data_000001</c>, … to the frames, which are 3-D stacks <c>/entry/data/data</c> in
/// <c>NAME_data_000001.h5</c>, <c>NAME_data_000002.h5</c>, … next to it. Opening the master reads all of them as one data
/// set in file-number order (the scan grid is not stored: <c>--scan-shape</c> gives it). The data files are found by
/// that naming convention, numbered from 1 without gaps; when the master announces its image count
/// (<c>detectorSpecific/nimages</c> × <c>ntrigger</c>), the files must hold exactly that many frames. The master's
/// <c>detectorSpecific/pixel_mask</c> becomes the source's <see cref="FrameSource.StoredPixelMask"/>.
/// </summary>
internal static partial class DectrisMaster
{
    private const string Suffix = "_master.h5";
    private const string DataGroup = "/entry/data";
    private const string StackPath = "/entry/data/data";
    private const string Specific = "/entry/instrument/detector/detectorSpecific/";

    /// <summary>The joined acquisition if <paramref name="path"/> is a DECTRIS master file (named <c>*_master.h5</c>,
    /// with an <c>/entry/data</c> group) and no dataset was named; else null.</summary>
    /// <exception cref="DataFormatException">no data files, a gap in their numbers, a data file that is not a 3-D stack
    /// or disagrees with the others, fewer or more frames than the master announces, or a scan shape that does not hold
    /// the frames.</exception>
    public static FrameSource? TryOpen(string path, FrameSourceOptions options)
    {
        if (!string.IsNullOrEmpty(options.Member) || !path.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        long? announced;
        bool[]? pixelMask;
        using (Hdf5OpenFile master = Hdf5OpenFile.Open(path))
        {
            if (!Hdf5Guard.Run(path, $"looking up {DataGroup}", () => master.File.LinkExists(DataGroup)))
            {
                return null;
            }

            long? images = ReadCount(path, master.File, Specific + "nimages");
            long? triggers = ReadCount(path, master.File, Specific + "ntrigger");
            announced = images * (triggers ?? 1);
            pixelMask = ReadPixelMask(path, master.File);
        }

        List<string> files = DataFiles(path);
        var parts = new List<FrameSource>(files.Count);
        try
        {
            foreach (string data in files)
            {
                parts.Add(Hdf5FrameSource.OpenStackPart(data, StackPath));
            }

            long total = parts.Sum(p => p.FrameCount);
            if (announced is { } expected && expected != total)
            {
                throw new DataFormatException(path, null,
                    $"announces {expected} images (detectorSpecific/nimages × ntrigger) but its {files.Count} data file(s) hold {total} frames: a data file is missing or incomplete.");
            }

            JoinedFrameSource joined = JoinedFrameSource.Create(path, "hdf5", parts, frames => ScanShape.Resolve(path, frames, null, options),
                pixelMask is null ? null : (pixelMask, Specific + "pixel_mask"));
            return joined;
        }
        catch
        {
            parts.ForEach(p => p.Dispose());
            throw;
        }
    }

    // NAME_data_000001.h5 … NAME_data_00000N.h5 next to the master, in number order, with no number missing.
    private static List<string> DataFiles(string path)
    {
        string full = Path.GetFullPath(path);
        string stem = Path.GetFileName(full)[..^Suffix.Length];
        string dir = Path.GetDirectoryName(full)!;
        var numbered = new SortedDictionary<int, string>();
        foreach (string file in Directory.EnumerateFiles(dir, stem + "_data_*.h5"))
        {
            Match m = DataNumber().Match(Path.GetFileName(file)[stem.Length..]);
            if (m.Success)
            {
                numbered[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)] = file;
            }
        }

        if (numbered.Count == 0)
        {
            throw new DataFormatException(path, null, $"is a DECTRIS master file but no data files {stem}_data_000001.h5, … are next to it in {dir}.");
        }

        int last = numbered.Keys.Max();
        for (int i = 1; i <= last; i++)
        {
            if (!numbered.ContainsKey(i))
            {
                throw new DataFormatException(path, null,
                    $"data files {stem}_data_000001.h5 … {stem}_data_{last:D6}.h5 found, but {stem}_data_{i:D6}.h5 is missing from {dir}.");
            }
        }

        return [.. numbered.Values];
    }

    // detectorSpecific/pixel_mask: a 2-D integer image, nonzero where a pixel is a module gap, dead, noisy or otherwise
    // unusable (DECTRIS sets bit flags); null where the master has none.
    private static bool[]? ReadPixelMask(string path, NativeFile master)
    {
        const string name = Specific + "pixel_mask";
        return Hdf5Guard.Run(path, $"reading {name}", () =>
        {
            if (!master.LinkExists(name) || master.Get(name) is not NativeDataset d)
            {
                return null;
            }

            if (d.Type.Class != H5DataTypeClass.FixedPoint || d.Space.Dimensions.Length != 2)
            {
                throw new DataFormatException(path, null, $"{name} is not a 2-D integer image (dimensions ({string.Join(", ", d.Space.Dimensions)})).");
            }

            return d.Type.Size switch
            {
                1 => d.Read<byte[]>().Select(v => v != 0).ToArray(),
                2 => d.Read<ushort[]>().Select(v => v != 0).ToArray(),
                4 => d.Read<uint[]>().Select(v => v != 0).ToArray(),
                8 => d.Read<ulong[]>().Select(v => v != 0).ToArray(),
                _ => throw new DataFormatException(path, null, $"{name} has {d.Type.Size}-byte integers."),
            };
        });
    }

    // A scalar integer count of the master's metadata, or null where it is absent or not an integer.
    private static long? ReadCount(string path, NativeFile master, string name) =>
        Hdf5Guard.Run(path, $"reading {name}", () =>
        {
            if (!master.LinkExists(name) || master.Get(name) is not NativeDataset d || d.Type.Class != H5DataTypeClass.FixedPoint)
            {
                return (long?)null;
            }

            return d.Type.Size switch
            {
                1 => d.Read<byte>(),
                2 => d.Read<ushort>(),
                4 => d.Read<uint>(),
                8 => (long)d.Read<ulong>(),
                _ => null,
            };
        });

    [GeneratedRegex(@"^_data_(\d{6})\.h5$", RegexOptions.IgnoreCase)]
    private static partial Regex DataNumber();
}
