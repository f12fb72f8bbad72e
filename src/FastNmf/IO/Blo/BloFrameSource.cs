using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace FastNmf.IO.Blo;

/// <summary>
/// A NanoMegas ASTAR block file (<c>.blo</c>, see <see cref="BloHeader"/>): 8-bit square diffraction patterns on the
/// scan grid the header records. Patterns stream from the file in chunks; every record's 0x55AA marker is checked as it
/// is read, so a corrupt or mis-sized file is an error naming the byte offset of the record.
/// </summary>
public sealed class BloFrameSource : FrameSource
{
    private const int ChunkBytes = 4 << 20;

    private readonly FileByteSource _file;
    private readonly BloHeader _header;

    private BloFrameSource(FileByteSource file, BloHeader header, ScanShape scan)
        : base(file.Path, "blo", "uint8", scan.Rows, scan.Cols, header.PatternSide, header.PatternSide)
    {
        _file = file;
        _header = header;
        SetMetadata("blo_magic", "0x" + header.Magic.ToString("X4", CultureInfo.InvariantCulture));
        SetMetadata("data_offset", header.DataOffset.ToString(CultureInfo.InvariantCulture));
        SetMetadata("stored_scan", new ScanShape(header.ScanRows, header.ScanCols).ToString());
    }

    /// <summary>Recognises <c>IMGBLO</c>.</summary>
    public static bool Sniff(ReadOnlySpan<byte> head, string path) => BloHeader.Looks(head);

    /// <summary>Opens <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">a malformed header or a file shorter than its patterns need.</exception>
    public static FrameSource Open(string path, FrameSourceOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        return FileByteSource.OpenWith(path, file =>
        {
            BloHeader header = BloHeader.Read(file);
            long frames = (long)header.ScanRows * header.ScanCols;
            ScanShape scan = ScanShape.Resolve(path, frames, new ScanShape(header.ScanRows, header.ScanCols), options);
            return new BloFrameSource(file, header, scan);
        });
    }

    /// <inheritdoc/>
    protected override void ReadFramesCore(long first, int count, Span<float> destination)
    {
        long record = _header.RecordBytes;
        int perChunk = (int)Math.Clamp(ChunkBytes / record, 1, count);
        byte[] chunk = ArrayPool<byte>.Shared.Rent((int)(perChunk * record));
        try
        {
            for (int done = 0; done < count;)
            {
                int n = Math.Min(perChunk, count - done);
                long offset = _header.DataOffset + ((first + done) * record);
                Span<byte> bytes = chunk.AsSpan(0, (int)(n * record));
                _file.ReadExactly(offset, bytes, $"patterns {first + done}–{first + done + n - 1}");
                for (int i = 0; i < n; i++)
                {
                    ReadOnlySpan<byte> one = bytes.Slice((int)(i * record), (int)record);
                    int marker = BinaryPrimitives.ReadUInt16LittleEndian(one);
                    if (marker != BloHeader.RecordMagic)
                    {
                        throw new DataFormatException(Path, offset + (i * record),
                            $"pattern {first + done + i} does not start with the record marker AA 55 (found {one[0]:X2} {one[1]:X2}): the file is corrupt or its header sizes are wrong.");
                    }

                    ElementConversion.ToFloat32(one[BloHeader.RecordHeader..], destination.Slice((done + i) * FrameLength, FrameLength), NpyDtype.UInt8);
                }

                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }
    }
}
