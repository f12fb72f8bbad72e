namespace FastNmf.IO;

/// <summary>How to open an input file (see <see cref="FrameFormats.Open(string, FrameSourceOptions?)"/>).</summary>
public sealed record FrameSourceOptions
{
    /// <summary>No overrides: detect the format, take the scan shape from the file.</summary>
    public static FrameSourceOptions Default { get; } = new();

    /// <summary>A format name from <see cref="FrameFormats.All"/> (<c>--format</c>), or null to detect it from the file.</summary>
    public string? Format { get; init; }

    /// <summary>The scan grid (<c>--scan-shape ROWSxCOLS</c>): required where a file does not record it (3-D stacks, MIB
    /// without .hdr, EMPAD without .xml); where it does, it must hold the same number of frames and re-grids them.</summary>
    public ScanShape? ScanShape { get; init; }

    /// <summary>What to read inside a container: an <c>.npz</c> member, an HDF5 dataset path, a DM image index. Given on the
    /// command line after a colon, <c>file.npz:data</c> (see <see cref="FrameFormats.SplitMember"/>); null picks the only 4-D
    /// (or 3-D) array.</summary>
    public string? Member { get; init; }
}
