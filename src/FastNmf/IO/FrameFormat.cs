namespace FastNmf.IO;

/// <summary>
/// One entry of the format registry (<see cref="FrameFormats.All"/>): a name for <c>--format</c>, the extensions it
/// claims when content does not decide, a content sniffer and the opener.
/// </summary>
public sealed class FrameFormat
{
    /// <summary>Creates an entry.</summary>
    /// <param name="name">Lower-case name, e.g. <c>mib</c>: the value of <c>--format</c>.</param>
    /// <param name="description">One line for help texts, e.g. <c>Quantum Detectors Merlin .mib (+ .hdr)</c>.</param>
    /// <param name="extensions">File extensions with the dot, lower case, e.g. <c>.mib</c>.</param>
    /// <param name="sniff">Recognises the format by content (see <see cref="FrameFormatSniffer"/>).</param>
    /// <param name="open">Opens a file of this format; throws <see cref="DataFormatException"/> for a bad one.</param>
    public FrameFormat(string name, string description, IReadOnlyList<string> extensions, FrameFormatSniffer sniff, Func<string, FrameSourceOptions, FrameSource> open)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(extensions);
        ArgumentNullException.ThrowIfNull(sniff);
        ArgumentNullException.ThrowIfNull(open);
        Name = name;
        Description = description;
        Extensions = extensions;
        Sniff = sniff;
        Open = open;
    }

    /// <summary>The <c>--format</c> value.</summary>
    public string Name { get; }

    /// <summary>One line for help texts.</summary>
    public string Description { get; }

    /// <summary>Extensions (with the dot, lower case) claimed when no format recognises the content.</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>The content sniffer.</summary>
    public FrameFormatSniffer Sniff { get; }

    /// <summary>The opener: <c>(path, options) → source</c>.</summary>
    public Func<string, FrameSourceOptions, FrameSource> Open { get; }

    /// <summary>Whether <paramref name="path"/> ends with one of <see cref="Extensions"/> (case-insensitive).</summary>
    public bool ClaimsExtension(string path) =>
        Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {Description}";
}
