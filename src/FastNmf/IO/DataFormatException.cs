namespace FastNmf.IO;

/// <summary>
/// Thrown when an input file is malformed: wrong magic, corrupt header, unsupported element type, truncated data
/// and so on. It is the single exception type every FastNmf reader uses for bad files, so callers (the CLI in
/// particular) can report them uniformly without catching unrelated I/O failures.
/// </summary>
/// <remarks>
/// The <see cref="Exception.Message"/> is self-contained and reads like
/// <c>sim.npy: at byte 10: shape (36, 36, 128) has 3 dimensions, expected 4</c>, so it can be shown to a user as is.
/// </remarks>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file as the user named it; it is repeated verbatim at the start of the message.</param>
    /// <param name="offset">Byte offset of the offending field, or <see langword="null"/> when no single position is to blame.</param>
    /// <param name="message">What is wrong, without the file name or offset (those are prepended).</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public DataFormatException(string path, long? offset, string message, Exception? inner = null)
        : base(Compose(path, offset, message), inner)
    {
        Path = path;
        Offset = offset;
    }

    /// <summary>The file as it was named by the caller.</summary>
    public string Path { get; }

    /// <summary>Byte offset of the offending field within the file, when known.</summary>
    public long? Offset { get; }

    /// <summary>True when the file is fine but holds a value uint16 X cannot (a fraction, or above 65 535): reading it
    /// as float32 instead succeeds.</summary>
    internal bool NotACount { get; init; }

    private static string Compose(string path, long? offset, string message) =>
        offset is { } at ? $"{path}: at byte {at}: {message}" : $"{path}: {message}";
}
