using System.Text.RegularExpressions;

namespace FastNmf.IO.Mib;

/// <summary>
/// Which files make an acquisition: one <c>.mib</c> file; every <c>.mib</c> in a directory; the files a glob pattern
/// (<c>scan/*.mib</c>, <c>*</c> and <c>?</c> in the file name) matches; or a <c>.hdr</c> file, whose acquisition is the
/// <c>.mib</c> of the same name, else every <c>.mib</c> whose name starts with it. The <c>.hdr</c> of a <c>.mib</c> path
/// is the same name with <c>.hdr</c>, or that name without its trailing frame/file number.
/// </summary>
internal static partial class MibPaths
{
    /// <summary>True for a directory holding .mib files and for a glob pattern matching some.</summary>
    public static bool IsMultiFile(string path) =>
        (Directory.Exists(path) || IsPattern(path)) && Expand(path).Count > 0;

    /// <summary>The .mib files of <paramref name="path"/> (unordered) and the .hdr that describes them, if any.</summary>
    /// <exception cref="DataFormatException">no .mib file matches.</exception>
    public static (List<string> Files, string? Hdr) Resolve(string path)
    {
        if (path.EndsWith(".hdr", StringComparison.OrdinalIgnoreCase) && File.Exists(path))
        {
            string stem = path[..^4];
            List<string> files = File.Exists(stem + ".mib") ? [stem + ".mib"] : Expand(stem + "*.mib");
            return files.Count > 0 ? (files, path) : throw new DataFormatException(path, null, $"no .mib file next to it (looked for {System.IO.Path.GetFileName(stem)}.mib and {System.IO.Path.GetFileName(stem)}*.mib).");
        }

        if (Directory.Exists(path) || IsPattern(path))
        {
            List<string> files = Expand(path);
            if (files.Count == 0)
            {
                throw new DataFormatException(path, null, "no .mib files match.");
            }

            string? hdr = Directory.Exists(path)
                ? Directory.GetFiles(path, "*.hdr") is [string only] ? only : null
                : HdrFor(files.Order(StringComparer.Ordinal).First());
            return (files, hdr);
        }

        return ([path], HdrFor(path));
    }

    private static string? HdrFor(string mib)
    {
        string stem = mib.EndsWith(".mib", StringComparison.OrdinalIgnoreCase) ? mib[..^4] : mib;
        string unnumbered = TrailingNumber().Replace(stem, string.Empty);
        return new[] { stem + ".hdr", unnumbered + ".hdr" }.FirstOrDefault(File.Exists);
    }

    private static bool IsPattern(string path) => System.IO.Path.GetFileName(path).IndexOfAny(['*', '?']) >= 0;

    private static List<string> Expand(string path)
    {
        if (Directory.Exists(path))
        {
            return [.. Directory.GetFiles(path, "*.mib")];
        }

        string directory = System.IO.Path.GetDirectoryName(path) is { Length: > 0 } d ? d : ".";
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return [.. Directory.GetFiles(directory, System.IO.Path.GetFileName(path)).Where(f => f.EndsWith(".mib", StringComparison.OrdinalIgnoreCase))];
    }

    [GeneratedRegex(@"[_-]?\d+$")]
    private static partial Regex TrailingNumber();
}
