using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace FastNmf.IO.Dm;

/// <summary>
/// A Gatan DigitalMicrograph <c>.dm3</c>/<c>.dm4</c> file holding a 4-D STEM stack (or a 3-D stack of frames with
/// <see cref="FrameSourceOptions.ScanShape"/>): the tag tree is parsed (<see cref="DmTagParser"/>), the image chosen
/// (<see cref="FrameSourceOptions.Member"/> as its ImageList index, else the only 3-D/4-D image), its dimension order
/// and data type read (<see cref="DmImage"/>, <see cref="DmDataType"/>), and the pixels read in place: C-ordered stacks
/// sequentially, hybrid-ordered ones gathered from a memory map (a block of consecutive frames is contiguous per pixel).
/// </summary>
public sealed class DmFrameSource : FrameSource
{
    private const int ChunkBytes = 4 << 20;

    private readonly FileByteSource _file;
    private readonly DmImage _image;
    private readonly NpyDtype _dtype;
    private readonly int _size;
    private readonly bool _swap;

    private DmFrameSource(FileByteSource file, DmImage image, (NpyDtype Dtype, int Size) type, bool littleEndian, ScanShape scan, int detRows, int detCols, int version)
        : base(file.Path, "dm", type.Dtype.ToString().ToLowerInvariant(), scan.Rows, scan.Cols, detRows, detCols)
    {
        _file = file;
        _image = image;
        _dtype = type.Dtype;
        _size = type.Size;
        _swap = type.Size > 1 && littleEndian != BitConverter.IsLittleEndian;
        SetMetadata("dm_version", version.ToString(CultureInfo.InvariantCulture));
        SetMetadata("image_index", image.Index.ToString(CultureInfo.InvariantCulture));
        SetMetadata("dimensions", $"[{string.Join(", ", image.Dimensions)}]");
        SetMetadata("data_type", image.DataType.ToString(CultureInfo.InvariantCulture));
        SetMetadata("order", image.FramesContiguous ? "C (frames contiguous)" : "hybrid (scan fastest)");
        SetMetadata("little_endian", littleEndian ? "true" : "false");
    }

    /// <summary>Recognises the DM3/DM4 header (version 3 or 4, a byte-order word of 0 or 1, root group flags).</summary>
    public static bool Sniff(ReadOnlySpan<byte> head, string path) => DmTagParser.Looks(head);

    /// <summary>Opens <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">a malformed tag tree, no 3-D/4-D image (or several and no choice), a data type
    /// that is not real counts, a data size that does not match the dimensions, or a scan shape that does not fit.</exception>
    public static FrameSource Open(string path, FrameSourceOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        return FileByteSource.OpenWith(path, file =>
        {
            DmTagParser parser = DmTagParser.Parse(file, out DmTag root);
            List<DmImage> images = DmImage.All(root, path);
            DmImage image = Choose(path, images, options.Member);
            if (DmDataType.FromImage(image.DataType) is not { } type)
            {
                throw new DataFormatException(path, image.Data.DataOffset,
                    $"image {image.Index} has DM data type {image.DataType}, which is not real-valued counts (readable: 1 int16, 2 float32, 6 uint8, 7 int32, 9 int8, 10 uint16, 11 uint32, 12 float64, 14 binary).");
            }

            (int detRows, int detCols, long frames, ScanShape? stored) = image.Geometry();
            ScanShape scan = ScanShape.Resolve(path, frames, stored, options);
            return new DmFrameSource(file, image, type, parser.LittleEndian, scan, detRows, detCols, parser.Version);
        });
    }

    private static DmImage Choose(string path, List<DmImage> images, string? member)
    {
        if (member is not null)
        {
            return int.TryParse(member, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && images.FirstOrDefault(i => i.Index == index) is { } chosen
                ? chosen
                : throw new DataFormatException(path, null, $"no image '{member}' with data; images: {string.Join("; ", images)}.");
        }

        List<DmImage> stacks = images.Where(i => i.Dimensions.Length is 3 or 4).ToList();
        return stacks.Count switch
        {
            1 => stacks[0],
            0 => throw new DataFormatException(path, null, $"no 3-D or 4-D image; images: {(images.Count == 0 ? "none" : string.Join("; ", images))}."),
            _ => throw new DataFormatException(path, null, $"{stacks.Count} images could be the data ({string.Join("; ", stacks)}); name one by index as {path}:INDEX."),
        };
    }

    /// <inheritdoc/>
    protected override void ReadFramesCore(long first, int count, Span<float> destination)
    {
        if (_image.FramesContiguous)
        {
            ReadContiguous(first, count, destination);
        }
        else
        {
            GatherHybrid(first, count, destination);
        }
    }

    private void ReadContiguous(long first, int count, Span<float> destination)
    {
        int chunkElements = ChunkBytes / _size;
        long start = _image.Data.DataOffset + (first * FrameLength * _size);
        byte[] raw = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (int done = 0; done < destination.Length;)
            {
                int n = Math.Min(chunkElements, destination.Length - done);
                Span<byte> chunk = raw.AsSpan(0, n * _size);
                _file.ReadExactly(start + ((long)done * _size), chunk, $"frame {first + (done / FrameLength)}");
                Convert(chunk, destination.Slice(done, n));
                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    // Hybrid order: pixel p of frame f is element p·n_frames + f, so for a block of consecutive frames each pixel's
    // values are one contiguous run in the map; they are copied run by run and transposed into frame-major order.
    private unsafe void GatherHybrid(long first, int count, Span<float> destination)
    {
        long frames = FrameCount;
        byte[] staging = ArrayPool<byte>.Shared.Rent(count * _size);
        float[] run = ArrayPool<float>.Shared.Rent(count);
        byte* data = _file.AcquirePointer() + _image.Data.DataOffset;
        try
        {
            for (int p = 0; p < FrameLength; p++)
            {
                fixed (byte* stage = staging)
                {
                    Unsafe.CopyBlockUnaligned(stage, data + ((((long)p * frames) + first) * _size), (uint)(count * _size));
                }

                Convert(staging.AsSpan(0, count * _size), run.AsSpan(0, count));
                for (int f = 0; f < count; f++)
                {
                    destination[(f * FrameLength) + p] = run[f];
                }
            }
        }
        finally
        {
            _file.ReleasePointer();
            ArrayPool<byte>.Shared.Return(staging);
            ArrayPool<float>.Shared.Return(run);
        }
    }

    private void Convert(Span<byte> chunk, Span<float> target)
    {
        if (_swap)
        {
            ElementConversion.ReverseEndianness(chunk, _size);
        }

        ElementConversion.ToFloat32(chunk, target, _dtype);
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
