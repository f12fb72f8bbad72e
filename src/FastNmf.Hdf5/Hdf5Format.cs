using FastNmf.IO;

namespace FastNmf.Hdf5;

/// <summary>The <c>hdf5</c> entry of the format registry (<see cref="FrameFormats"/>): sniffed by the HDF5 signature at
/// byte 0, 512, 1024 or 2048, opened by <see cref="Hdf5FrameSource"/>.</summary>
public static class Hdf5Format
{
    /// <summary>The registry entry.</summary>
    public static FrameFormat Format { get; } = new(
        "hdf5",
        "HDF5 (PureHDF): the dataset given as FILE.h5:/path/to/data, else a DECTRIS NAME_master.h5 with its NAME_data_NNNNNN.h5 files joined, else the EMD 1.0 / py4DSTEM data group, else the only 4-D (or, with --scan-shape, 3-D) numeric dataset; chunked, deflate, shuffle, bitshuffle+LZ4",
        [".h5", ".hdf5", ".hdf", ".emd", ".nxs"],
        Hdf5FrameSource.Sniff,
        Open);

    /// <summary>Opens <paramref name="path"/>: a DECTRIS master file with its data files joined
    /// (<see cref="DectrisMaster"/>), else one dataset (<see cref="Hdf5FrameSource.Open(string, FrameSourceOptions)"/>).</summary>
    /// <exception cref="DataFormatException">as for those two.</exception>
    public static FrameSource Open(string path, FrameSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return DectrisMaster.TryOpen(path, options) ?? Hdf5FrameSource.Open(path, options);
    }

    /// <summary>Adds <see cref="Format"/> to <see cref="FrameFormats.All"/> (once; later calls do nothing).</summary>
    public static void Register() => FrameFormats.Register(Format);
}
