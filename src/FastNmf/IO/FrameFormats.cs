using FastNmf.IO.Blo;
using FastNmf.IO.Dm;
using FastNmf.IO.Empad;
using FastNmf.IO.Mib;
using FastNmf.IO.Npz;

namespace FastNmf.IO;

/// <summary>
/// The input formats FastNmf reads, and the one way to open any of them: <see cref="Open(string, FrameSourceOptions?)"/>
/// detects the format from the file's content (its first <see cref="HeadLength"/> bytes), then from its extension,
/// unless <see cref="FrameSourceOptions.Format"/> names one. Adding a format is one entry in <see cref="All"/>.
/// </summary>
public static class FrameFormats
{
    /// <summary>How many leading bytes the sniffers see.</summary>
    public const int HeadLength = 4096;

    private static readonly List<FrameFormat> Registered = [];
    private static readonly Lock RegisteredGate = new();

    /// <summary>
    /// Every format, in sniffing order: formats with a distinctive magic first, so a weaker test (extension, plausible
    /// numbers) never claims a file a stronger one recognises; then those other assemblies added with
    /// <see cref="Register"/> (FastNmf.Hdf5's <c>hdf5</c>).
    /// </summary>
    public static IReadOnlyList<FrameFormat> All
    {
        get
        {
            lock (RegisteredGate)
            {
                return [.. BuiltIn, .. Registered];
            }
        }
    }

    // The formats of this assembly.
    private static readonly FrameFormat[] BuiltIn =
    [
        new("npy", "NumPy .npy, 4-D (scan_rows, scan_cols, det_rows, det_cols) or 3-D (frames, det_rows, det_cols) with --scan-shape; C or Fortran order; any integer or float dtype", [".npy"], NpyFrameSource.Sniff, NpyFrameSource.Open),
        new("npz", "NumPy .npz (zip of .npy, stored or deflated): the member given as FILE.npz:NAME, or the only 4-D/3-D one", [".npz"], NpzFrameSource.Sniff, NpzFrameSource.Open),
        new("mib", "Quantum Detectors Merlin .mib (U08/U16/U32, RAW 1/6/12-bit, single chip or quad): a file, a directory or glob of files, or the .hdr; scan shape from the .hdr or --scan-shape", [".mib", ".hdr"], MibFrameSource.Sniff, MibFrameSource.Open),
        new("dm", "Gatan DigitalMicrograph .dm4/.dm3: a 4-D stack (C or hybrid order), or a 3-D stack with --scan-shape; FILE:INDEX picks an image", [".dm4", ".dm3"], DmFrameSource.Sniff, DmFrameSource.Open),
        new("blo", "NanoMegas ASTAR block file .blo: 8-bit square patterns on the scan grid of its header", [".blo"], BloFrameSource.Sniff, BloFrameSource.Open),
        new("empad", "EMPAD: the acquisition .xml, or the .raw (130×128 float32 frames, two metadata rows dropped) with its .xml or --scan-shape", [".raw", ".xml"], EmpadFrameSource.Sniff, EmpadFrameSource.Open),
    ];

    /// <summary>
    /// Adds a format defined in another assembly (one that the library cannot reference: FastNmf.Hdf5 keeps PureHDF out of
    /// the AOT-compatible library). Registering the same entry again does nothing; another entry under a taken name is an error.
    /// </summary>
    /// <exception cref="ArgumentException">a different format already has this name.</exception>
    public static void Register(FrameFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        lock (RegisteredGate)
        {
            FrameFormat? existing = BuiltIn.Concat(Registered).FirstOrDefault(f => string.Equals(f.Name, format.Name, StringComparison.OrdinalIgnoreCase));
            if (existing is not null && !ReferenceEquals(existing, format))
            {
                throw new ArgumentException($"a format named '{format.Name}' is already registered.", nameof(format));
            }

            if (existing is null)
            {
                Registered.Add(format);
            }
        }
    }

    /// <summary>The names of <see cref="All"/>, for help texts and option validation.</summary>
    public static IEnumerable<string> Names => All.Select(f => f.Name);

    /// <summary>The format called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static FrameFormat? Find(string name) =>
        All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Opens <paramref name="path"/> as a frame source. A path of the form <c>FILE:MEMBER</c> whose FILE exists (and
    /// whose whole text does not) selects a member of a container (see <see cref="SplitMember"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="FrameSourceOptions.Format"/> names no known format.</exception>
    /// <exception cref="DataFormatException">the file does not exist, is not recognised, or is malformed; the message
    /// names the file and, where one is to blame, the byte offset.</exception>
    public static FrameSource Open(string path, FrameSourceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= FrameSourceOptions.Default;
        (string file, string? member) = SplitMember(path);
        if (member is not null)
        {
            if (options.Member is not null && options.Member != member)
            {
                throw new ArgumentException($"{path}: the member is given twice ('{member}' and '{options.Member}').", nameof(options));
            }

            options = options with { Member = member };
        }

        FrameFormat format = options.Format is { } name
            ? Find(name) ?? throw new ArgumentException($"unknown format '{name}'; known: {string.Join(", ", Names)}.", nameof(options))
            : Detect(file);
        return format.Open(file, options);
    }

    /// <summary>The format of <paramref name="path"/>: the first whose sniffer recognises the content, else the first that
    /// claims the extension.</summary>
    /// <exception cref="DataFormatException">the file does not exist or no format recognises it.</exception>
    public static FrameFormat Detect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] head = ReadHead(path);
        foreach (FrameFormat f in All)
        {
            if (f.Sniff(head, path))
            {
                return f;
            }
        }

        foreach (FrameFormat f in All)
        {
            if (f.ClaimsExtension(path))
            {
                return f;
            }
        }

        string magic = head.Length == 0 ? "empty" : "first bytes " + Convert.ToHexString(head.AsSpan(0, Math.Min(8, head.Length)));
        throw new DataFormatException(path, 0,
            $"not a recognised 4D-STEM file ({magic}); readable formats: {string.Join(", ", Names)}. Name one with --format.");
    }

    /// <summary>
    /// Splits <c>FILE:MEMBER</c> when <paramref name="path"/> itself does not exist but the part before a colon does (the
    /// longest such part, so file names may contain colons; so may members, e.g. HDF5 paths). Otherwise returns the path
    /// unchanged.
    /// </summary>
    public static (string File, string? Member) SplitMember(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path) || Directory.Exists(path))
        {
            return (path, null);
        }

        for (int colon = path.LastIndexOf(':'); colon > 0; colon = path.LastIndexOf(':', colon - 1))
        {
            string file = path[..colon];
            if (File.Exists(file))
            {
                return (file, path[(colon + 1)..]);
            }
        }

        return (path, null);
    }

    // Up to HeadLength bytes; empty for a directory or a pattern (the sniffers that understand those look at the path).
    private static byte[] ReadHead(string path)
    {
        if (Directory.Exists(path) || path.IndexOfAny(['*', '?']) >= 0)
        {
            return [];
        }

        if (!File.Exists(path))
        {
            throw new DataFormatException(path, null, Directory.Exists(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)))
                ? "file not found"
                : "file not found (directory does not exist)");
        }

        using FileStream stream = ByteSource.OpenRead(path);
        var head = new byte[(int)Math.Min(HeadLength, stream.Length)];
        stream.ReadExactly(head);
        return head;
    }
}
