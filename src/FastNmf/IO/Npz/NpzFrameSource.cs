namespace FastNmf.IO.Npz;

/// <summary>
/// Opens one member of a NumPy <c>.npz</c> archive (a zip of <c>.npy</c> files, as <c>np.savez</c> and
/// <c>np.savez_compressed</c> write them) as an <see cref="NpyFrameSource"/>: a stored member is read in place at its
/// offset in the archive (C or Fortran order, memory-mapped like a plain .npy); a deflated one is decompressed while it
/// streams (C order only). The member is <see cref="FrameSourceOptions.Member"/> (with or without <c>.npy</c>), or the
/// only member with 3 or 4 dimensions.
/// </summary>
public static class NpzFrameSource
{
    /// <summary>Recognises a zip archive whose first member is a <c>.npy</c> (local header <c>PK\3\4</c>, name at +30).</summary>
    public static bool Sniff(ReadOnlySpan<byte> head, string path)
    {
        if (head.Length < 30 || !head[..4].SequenceEqual("PK\u0003\u0004"u8))
        {
            return false;
        }

        int nameLength = head[26] | (head[27] << 8);
        return 30 + nameLength <= head.Length && head.Slice(30, nameLength).EndsWith(".npy"u8);
    }

    /// <summary>Opens the member of <paramref name="path"/> that <paramref name="options"/> names, or the only 3-D/4-D one.</summary>
    /// <exception cref="DataFormatException">not a zip archive, no such member, several candidates, an unsupported compression
    /// method, or a malformed member (see <see cref="NpyFrameSource.Open(string, FrameSourceOptions)"/>).</exception>
    public static FrameSource Open(string path, FrameSourceOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        using FileByteSource archive = FileByteSource.Open(path);
        IReadOnlyList<ZipMember> members = ZipDirectory.Read(archive);
        ZipMember member = options.Member is { } wanted ? Named(path, members, wanted) : OnlyArray(path, members, options);
        ByteSource bytes = OpenMember(path, member);
        try
        {
            return NpyFrameSource.Create(bytes, "npz", options);
        }
        catch
        {
            bytes.Dispose();
            throw;
        }
    }

    private static ZipMember Named(string path, IReadOnlyList<ZipMember> members, string wanted) =>
        members.FirstOrDefault(m => m.Name == wanted) ?? members.FirstOrDefault(m => m.Name == wanted + ".npy")
        ?? throw new DataFormatException(path, null, $"no member '{wanted}'; members: {string.Join(", ", members.Select(m => m.Name))}.");

    // Each member's header is parsed (decompressing only its first bytes) to find the arrays that can be 4D-STEM data.
    private static ZipMember OnlyArray(string path, IReadOnlyList<ZipMember> members, FrameSourceOptions options)
    {
        var candidates = new List<(ZipMember Member, string Shape)>();
        foreach (ZipMember m in members.Where(m => m.Name.EndsWith(".npy", StringComparison.Ordinal)))
        {
            using ByteSource bytes = OpenMember(path, m);
            using var stream = new ByteSourceStream(bytes);
            NpyHeader header = NpyHeader.Parse(stream, bytes.Path);
            if (header.Shape.Length is 3 or 4)
            {
                candidates.Add((m, header.FormatShape()));
            }
        }

        if (candidates.Count == 1)
        {
            return candidates[0].Member;
        }

        string listed = string.Join(", ", candidates.Select(c => $"{c.Member.Name} {c.Shape}"));
        throw new DataFormatException(path, null, candidates.Count == 0
            ? $"no member is a 3-D or 4-D array; members: {string.Join(", ", members.Select(m => m.Name))}."
            : $"{candidates.Count} members could be the data ({listed}); name one as {path}:NAME.");
    }

    private static ByteSource OpenMember(string path, ZipMember member)
    {
        string label = $"{path}:{member.Name}";
        if (member.Method is not (0 or 8))
        {
            throw new DataFormatException(path, member.DirectoryOffset + 10,
                $"member '{member.Name}' uses compression method {member.Method}; only stored (0) and deflated (8) members are readable.");
        }

        FileStream stream = ByteSource.OpenRead(path);
        try
        {
            long data;
            using (FileByteSource whole = FileByteSource.Range(path, stream, 0, stream.Length, ownsStream: false))
            {
                data = ZipDirectory.DataOffset(whole, member);
            }

            if (member.Method == 0)
            {
                if (member.Size != member.CompressedSize)
                {
                    throw new DataFormatException(path, member.DirectoryOffset + 20,
                        $"stored member '{member.Name}' has compressed size {member.CompressedSize} but size {member.Size}.");
                }

                return FileByteSource.Range(label, stream, data, member.Size, ownsStream: true);
            }

            return new DeflateByteSource(label, FileByteSource.Range(label, stream, data, member.CompressedSize, ownsStream: true), member.Size);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}
