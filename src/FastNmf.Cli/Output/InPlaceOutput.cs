namespace FastNmf.Cli.Output;

/// <summary>
/// Adds files to an existing directory (<c>analyze DIR</c> writes its results next to W.npy) with the guarantees of
/// <see cref="OutputDirectory"/>: everything is written into a hidden staging directory inside DIR and moved into
/// place only when complete, so a failed or cancelled run adds nothing. A file that already exists under one of the
/// names is never replaced unless <c>force</c> is set; then only those names are replaced — a folder (figures/) as a
/// whole, so no file of an earlier run stays in it — and if moving in fails half-way, the moved files are taken back
/// out and the replaced ones restored.
/// </summary>
internal sealed class InPlaceOutput : IDisposable
{
    private readonly bool _force;
    private bool _committed;

    private InPlaceOutput(string final, string staging, bool force)
    {
        Final = final;
        Staging = staging;
        _force = force;
    }

    /// <summary>The existing directory.</summary>
    public string Final { get; }

    /// <summary>Where to write.</summary>
    public string Staging { get; }

    /// <summary>Starts adding files to <paramref name="dir"/>.</summary>
    /// <param name="dir">An existing directory.</param>
    /// <param name="names">Every top-level name (file or folder) the run may write.</param>
    /// <param name="force">Replace existing files of those names.</param>
    /// <exception cref="DirectoryNotFoundException">no such directory.</exception>
    /// <exception cref="IOException">a name exists and <paramref name="force"/> is not set.</exception>
    public static InPlaceOutput Begin(string dir, IEnumerable<string> names, bool force)
    {
        string full = Path.GetFullPath(dir);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"{dir}: no such directory.");
        }

        if (!force)
        {
            string? existing = names.FirstOrDefault(n => File.Exists(Path.Combine(full, n)) || Directory.Exists(Path.Combine(full, n)));
            if (existing is not null)
            {
                throw new IOException($"{Path.Combine(dir, existing)} exists (an earlier analysis?); pass --force to replace the analysis files, or --out NEW_DIR to write them elsewhere.");
            }
        }

        string staging = Path.Combine(full, $".analysis.partial-{Environment.ProcessId}");
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        return new InPlaceOutput(full, staging, force);
    }

    /// <summary>Moves every staged file into the directory (sub-folders file by file).</summary>
    /// <exception cref="IOException">a file appeared meanwhile (without force) or a move failed; nothing is left changed.</exception>
    public void Commit()
    {
        string backup = Path.Combine(Final, $".analysis.replaced-{Environment.ProcessId}");
        var moved = new List<string>();
        var replaced = new List<string>();
        try
        {
            if (_force)
            {
                // A folder of ours is replaced whole: figures an earlier run drew and this one does not would be stale.
                foreach (string folder in Directory.EnumerateDirectories(Staging).Order(StringComparer.Ordinal))
                {
                    string name = Path.GetFileName(folder);
                    if (Directory.Exists(Path.Combine(Final, name)))
                    {
                        Directory.CreateDirectory(backup);
                        Directory.Move(Path.Combine(Final, name), Path.Combine(backup, name));
                        replaced.Add(name);
                    }
                }
            }

            foreach (string file in Directory.EnumerateFiles(Staging, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                string relative = Path.GetRelativePath(Staging, file);
                string target = Path.Combine(Final, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                if (File.Exists(target) && _force)
                {
                    string saved = Path.Combine(backup, relative);
                    Directory.CreateDirectory(Path.GetDirectoryName(saved)!);
                    File.Move(target, saved);
                    replaced.Add(relative);
                }

                File.Move(file, target, overwrite: false);
                moved.Add(relative);
            }
        }
        catch
        {
            // Undo: take our files out again and put the replaced ones back.
            foreach (string relative in moved)
            {
                File.Delete(Path.Combine(Final, relative));
            }

            foreach (string relative in replaced)
            {
                string saved = Path.Combine(backup, relative), original = Path.Combine(Final, relative);
                if (Directory.Exists(saved))
                {
                    // Our files were taken out above; the folder they were moved into is empty.
                    if (Directory.Exists(original))
                    {
                        Directory.Delete(original, recursive: true);
                    }

                    Directory.Move(saved, original);
                }
                else
                {
                    File.Move(saved, original);
                }
            }

            throw;
        }
        finally
        {
            // The backup holds user files only while a restore is pending or failed: keep it then.
            if (Directory.Exists(backup) && !Directory.EnumerateFiles(backup, "*", SearchOption.AllDirectories).Any())
            {
                Directory.Delete(backup, recursive: true);
            }
        }

        // Success: the replaced files were replaced on purpose (--force).
        if (Directory.Exists(backup))
        {
            Directory.Delete(backup, recursive: true);
        }

        _committed = true;
        Directory.Delete(Staging, recursive: true);
    }

    public void Dispose()
    {
        if (!_committed && Directory.Exists(Staging))
        {
            Directory.Delete(Staging, recursive: true);
        }
    }
}
