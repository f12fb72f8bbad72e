using System.IO.Compression;

namespace FastNmf.IO.Npz;

/// <summary>
/// A deflated archive member, decompressed on the fly: reads at increasing offsets stream forward, a read behind the
/// current position restarts decompression from the member's start (a second pass over the data costs a second
/// decompression, never a copy in memory).
/// </summary>
internal sealed class DeflateByteSource : ByteSource
{
    private readonly FileByteSource _compressed;
    private readonly long _length;
    private DeflateStream? _inflater;
    private long _position;

    /// <param name="label">The member as <c>file.npz:name</c>, for messages.</param>
    /// <param name="compressed">The member's compressed bytes; owned by this source.</param>
    /// <param name="length">Its decompressed length (from the directory).</param>
    public DeflateByteSource(string label, FileByteSource compressed, long length)
        : base(label)
    {
        _compressed = compressed;
        _length = length;
    }

    /// <inheritdoc/>
    public override long Length => _length;

    /// <inheritdoc/>
    public override int Read(long offset, Span<byte> buffer)
    {
        if (offset >= _length)
        {
            return 0;
        }

        buffer = buffer[..(int)Math.Min(buffer.Length, _length - offset)];
        try
        {
            if (_inflater is null || offset < _position)
            {
                _inflater?.Dispose();
                _inflater = new DeflateStream(new ByteSourceStream(_compressed), CompressionMode.Decompress, leaveOpen: false);
                _position = 0;
            }

            Skip(offset - _position);
            int got = _inflater.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            _position += got;
            return got;
        }
        catch (InvalidDataException ex)
        {
            _inflater?.Dispose();
            _inflater = null;
            throw new DataFormatException(Path, _position, $"corrupt deflate data near byte {_position} of the decompressed member: {ex.Message}", ex);
        }
    }

    private void Skip(long bytes)
    {
        if (bytes <= 0)
        {
            return;
        }

        Span<byte> sink = stackalloc byte[4096];
        while (bytes > 0)
        {
            int got = _inflater!.Read(sink[..(int)Math.Min(sink.Length, bytes)]);
            if (got == 0)
            {
                return; // ended early: the caller's read comes back short and reports the truncation
            }

            bytes -= got;
            _position += got;
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inflater?.Dispose();
            _compressed.Dispose();
        }
    }
}
