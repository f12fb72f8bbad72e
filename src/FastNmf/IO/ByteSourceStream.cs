namespace FastNmf.IO;

/// <summary>A read-only, forward-reading <see cref="Stream"/> over a <see cref="ByteSource"/>, for parsers written against streams (the .npy header).</summary>
internal sealed class ByteSourceStream : Stream
{
    private readonly ByteSource _source;
    private long _position;

    public ByteSourceStream(ByteSource source)
    {
        _source = source;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _source.Length;

    public override long Position
    {
        get => _position;
        set => _position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int got = _source.Read(_position, buffer);
        _position += got;
        return got;
    }

    public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _source.Length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
