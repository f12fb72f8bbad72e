namespace FastNmf.IO;

/// <summary>
/// Says whether a file looks like one format, from its first bytes (<paramref name="head"/>: up to
/// <see cref="FrameFormats.HeadLength"/> bytes, fewer for a short file, empty for a directory or a glob pattern) and its
/// path. Cheap, and never throws: a false answer only means "not recognised by content".
/// </summary>
public delegate bool FrameFormatSniffer(ReadOnlySpan<byte> head, string path);
