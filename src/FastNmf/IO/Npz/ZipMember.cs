namespace FastNmf.IO.Npz;

/// <summary>One member of a zip archive as its central directory records it.</summary>
/// <param name="Name">The stored name, e.g. <c>data.npy</c>.</param>
/// <param name="Method">0 stored, 8 deflated (the two methods NumPy writes).</param>
/// <param name="CompressedSize">Bytes of (compressed) data.</param>
/// <param name="Size">Bytes once decompressed.</param>
/// <param name="LocalHeaderOffset">Offset of the member's local header in the file.</param>
/// <param name="DirectoryOffset">Offset of the member's central directory record, for messages.</param>
internal sealed record ZipMember(string Name, int Method, long CompressedSize, long Size, long LocalHeaderOffset, long DirectoryOffset);
