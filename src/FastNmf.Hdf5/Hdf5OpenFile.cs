using System.IO.MemoryMappedFiles;
using FastNmf.Hdf5.Filters;
using FastNmf.IO;
using PureHDF;
using PureHDF.VOL.Native;

namespace FastNmf.Hdf5;

/// <summary>
/// An HDF5 file opened for PureHDF through a bounds-checked stream over a read-only memory mapping, with everything that
/// takes (mapping, view, PureHDF file) released together. Not PureHDF's own file driver (one positional read per small
/// piece: 3× slower on contiguous data, <c>perf/FastNmf.Benchmarks -- read FILE</c>: 208 → 550–690 MiB/s of file) and
/// not its memory-mapped driver (unchecked copies: a corrupt chunk address crashed the process in the fuzz tests).
/// </summary>
internal sealed class Hdf5OpenFile : IDisposable
{
    private static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n'];

    private readonly MemoryMappedFile _mapped;
    private readonly MemoryMappedViewStream _view;

    private Hdf5OpenFile(MemoryMappedFile mapped, MemoryMappedViewStream view, NativeFile file)
    {
        _mapped = mapped;
        _view = view;
        File = file;
    }

    /// <summary>The file as PureHDF sees it.</summary>
    public NativeFile File { get; }

    /// <summary>
    /// Whether <paramref name="head"/> (the file's first bytes) holds the HDF5 signature <c>\x89HDF\r\n\x1a\n</c> at
    /// byte 0, 512, 1024, 2048, … (a user block before the superblock is a power of two ≥ 512 bytes long).
    /// </summary>
    public static bool Sniff(ReadOnlySpan<byte> head)
    {
        for (int at = 0; at + Signature.Length <= head.Length; at = at == 0 ? 512 : at * 2)
        {
            if (head.Slice(at, Signature.Length).SequenceEqual(Signature))
            {
                return true;
            }
        }

        return false;
    }

    /// <exception cref="DataFormatException">no such file, no HDF5 signature, or a superblock PureHDF cannot read.</exception>
    public static Hdf5OpenFile Open(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new DataFormatException(path, null, "file not found.");
        }

        Hdf5Filters.EnsureRegistered();
        CheckSignature(path);
        MemoryMappedFile mapped = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewStream? view = null;
        try
        {
            view = mapped.CreateViewStream(0, 0, MemoryMappedFileAccess.Read);
            MemoryMappedViewStream opened = view;
            NativeFile file = Hdf5Guard.Run(path, "superblock", () => H5File.Open(opened, leaveOpen: true));
            return new Hdf5OpenFile(mapped, view, file);
        }
        catch
        {
            view?.Dispose();
            mapped.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        File.Dispose();
        _view.Dispose();
        _mapped.Dispose();
    }

    // Before PureHDF parses anything: a file without the signature is reported as such, not as a parser failure.
    private static void CheckSignature(string path)
    {
        using FileStream stream = ByteSource.OpenRead(path);
        var head = new byte[(int)Math.Min(stream.Length, 4096)];
        stream.ReadExactly(head);
        if (!Sniff(head))
        {
            string first = Convert.ToHexString(head.AsSpan(0, Math.Min(8, head.Length)));
            throw new DataFormatException(path, 0, $"not an HDF5 file: no signature 89484446 0D0A1A0A at byte 0, 512, 1024 or 2048 (first bytes {(first.Length == 0 ? "none: empty file" : first)}).");
        }
    }
}
