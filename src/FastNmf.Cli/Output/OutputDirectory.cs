namespace FastNmf.Cli.Output;

/// <summary>
/// Results are written into a hidden sibling directory and renamed to the requested name only when complete, so a
/// failed or cancelled run never leaves a directory that looks finished. An existing non-empty directory is never
/// written into (no user data is overwritten).
/// </summary>
internal sealed class OutputDirectory : IDisposable
{
    private bool _committed;

    private OutputDirectory(string final, string staging)
    {
        Final = final;
        Staging = staging;
    }

    public string Final { get; }

    public string Staging { get; }

    public static OutputDirectory Begin(string path)
    {
        string full = Path.GetFullPath(path);
        if (System.IO.File.Exists(full))
        {
            throw new IOException($"{path}: exists and is a file; choose a new output directory.");
        }

        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new IOException($"{path}: output directory exists and is not empty; choose a new one or remove it.");
        }

        string parent = Path.GetDirectoryName(full.TrimEnd(Path.DirectorySeparatorChar)) ?? ".";
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar))}.partial-{Environment.ProcessId}");
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        return new OutputDirectory(full, staging);
    }

    public string File(string name) => Path.Combine(Staging, name);

    public void Commit()
    {
        if (Directory.Exists(Final))
        {
            Directory.Delete(Final);
        }

        Directory.Move(Staging, Final);
        _committed = true;
    }

    public void Dispose()
    {
        if (!_committed && Directory.Exists(Staging))
        {
            Directory.Delete(Staging, recursive: true);
        }
    }
}
