using System.IO.MemoryMappedFiles;

namespace FastNmf.IO;

/// <summary>
/// A whole file mapped read-only, with its base pointer held for as long as this object lives (independently of any
/// reader that found it), so data structures can point into the file instead of copying it. The pages are the file's:
/// the OS reads them on demand and may drop them again under memory pressure, which is what lets data larger than RAM
/// be worked on.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private bool _disposed;

    public MappedFile(string path)
    {
        _stream = ByteSource.OpenRead(path);
        try
        {
            _map = MemoryMappedFile.CreateFromFile(_stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            Pointer = pointer + _view.PointerOffset;
            Length = _stream.Length;
        }
        catch
        {
            _view?.Dispose();
            _map?.Dispose();
            _stream.Dispose();
            throw;
        }
    }

    /// <summary>Byte 0 of the file.</summary>
    public byte* Pointer { get; }

    /// <summary>The file's length in bytes.</summary>
    public long Length { get; }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
        _stream.Dispose();
    }
}
