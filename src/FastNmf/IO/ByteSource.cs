namespace FastNmf.IO;

/// <summary>
/// The bytes of an input, read at any offset: a file or a range of one (<see cref="FileByteSource"/>), or a member of an
/// archive decompressed on the fly. Readers go through it so that every short read becomes the same clear
/// <see cref="DataFormatException"/> naming the file and the offset where the data ended.
/// </summary>
internal abstract class ByteSource : IDisposable
{
    protected ByteSource(string path)
    {
        Path = path;
    }

    /// <summary>The file as the user named it (a member as <c>file.npz:name</c>), for messages.</summary>
    public string Path { get; }

    /// <summary>Length in bytes.</summary>
    public abstract long Length { get; }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>.</summary>
    /// <param name="offset">Where to start, in bytes from the start of this source.</param>
    /// <param name="buffer">Receives the bytes.</param>
    /// <param name="what">What is being read, for the message, e.g. <c>frame 12</c>.</param>
    /// <exception cref="DataFormatException">the data ends first (the message names the offset where it ended).</exception>
    public void ReadExactly(long offset, Span<byte> buffer, string what)
    {
        int got = Read(offset, buffer);
        if (got < buffer.Length)
        {
            long end = offset + got;
            throw new DataFormatException(Path, end, $"truncated: the data ends at byte {end} while reading {what} (bytes {offset}–{offset + buffer.Length - 1} needed)");
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; fewer only at the end.</summary>
    public abstract int Read(long offset, Span<byte> buffer);

    /// <summary>Opens a file for reading, reporting a missing or unreadable file as a <see cref="DataFormatException"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">E.g. <see cref="FileOptions.SequentialScan"/> for a file read once from start to end.</param>
    public static FileStream OpenRead(string path, FileOptions options = FileOptions.None)
    {
        try
        {
            // Unbuffered: every reader reads in its own large chunks.
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, options);
        }
        catch (FileNotFoundException ex)
        {
            throw new DataFormatException(path, null, "file not found", ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new DataFormatException(path, null, "file not found (directory does not exist)", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new DataFormatException(path, null, "cannot be read (permission denied, or it is a directory)", ex);
        }
    }

    /// <inheritdoc cref="IDisposable.Dispose"/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the source holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
