using System.IO.MemoryMappedFiles;

namespace FastNmf.IO;

/// <summary>
/// A file, or the range <c>[start, start + length)</c> of one (a stored archive member), read with positional reads
/// (no shared file position, so a second pass or a reopened member never races the first).
/// </summary>
internal sealed class FileByteSource : ByteSource
{
    private readonly FileStream _stream;
    private readonly bool _ownsStream;
    private readonly long _start;
    private readonly long _length;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;

    private FileByteSource(string path, FileStream stream, bool ownsStream, long start, long length)
        : base(path)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _start = start;
        _length = length;
    }

    /// <inheritdoc/>
    public override long Length => _length;

    /// <summary>The whole file at <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">the file does not exist or cannot be read.</exception>
    public static FileByteSource Open(string path)
    {
        FileStream stream = OpenRead(path);
        return new FileByteSource(path, stream, ownsStream: true, 0, stream.Length);
    }

    /// <summary>
    /// Opens <paramref name="path"/> and hands it to <paramref name="create"/> (a reader's parser), which owns it from then
    /// on; if <paramref name="create"/> throws, the file is closed and the exception passes on.
    /// </summary>
    /// <exception cref="DataFormatException">the file does not exist or cannot be read, or <paramref name="create"/> rejects it.</exception>
    public static T OpenWith<T>(string path, Func<FileByteSource, T> create)
    {
        FileByteSource file = Open(path);
        try
        {
            return create(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>A range of an open file, named <paramref name="label"/> in messages; disposing it disposes the stream when it <paramref name="ownsStream"/>.</summary>
    public static FileByteSource Range(string label, FileStream stream, long start, long length, bool ownsStream) =>
        new(label, stream, ownsStream, start, length);

    /// <inheritdoc/>
    public override int Read(long offset, Span<byte> buffer)
    {
        if (offset >= _length)
        {
            return 0;
        }

        Span<byte> want = buffer[..(int)Math.Min(buffer.Length, _length - offset)];
        int done = 0;
        while (done < want.Length)
        {
            int got = RandomAccess.Read(_stream.SafeFileHandle, want[done..], _start + offset + done);
            if (got == 0)
            {
                break; // the file shrank under us
            }

            done += got;
        }

        return done;
    }

    /// <summary>
    /// A read-only pointer to byte 0 of this source through a memory map of the file (created on first use), for
    /// readers that gather strided elements. Valid until the source is disposed; release it with <see cref="ReleasePointer"/>.
    /// </summary>
    public unsafe byte* AcquirePointer()
    {
        if (_view is null)
        {
            _map = MemoryMappedFile.CreateFromFile(_stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        }

        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        return pointer + _view.PointerOffset + _start;
    }

    /// <summary>Releases a pointer from <see cref="AcquirePointer"/>.</summary>
    public void ReleasePointer() => _view?.SafeMemoryMappedViewHandle.ReleasePointer();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _view?.Dispose();
            _map?.Dispose();
            if (_ownsStream)
            {
                _stream.Dispose();
            }
        }
    }
}
