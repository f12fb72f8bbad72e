using FastNmf.IO;
using FastNmf.Memory;
using FastNmf.Storage;

namespace FastNmf.Data;

/// <summary>
/// Reads a <see cref="FrameSource"/> into X: every frame once, in blocks of a few MiB, values checked, masked pixels
/// dropped, straight into the storage X is held in — float32, or uint16 for counted electrons (2 bytes per value from
/// file to X), or, for a plain little-endian uint16 <c>.npy</c> with nothing masked, the file itself memory-mapped.
/// </summary>
public static class XReader
{
    /// <summary>Reads <paramref name="source"/> into float32 X (see <see cref="UnfoldedData.Create(FrameSource, DetectorMask?, bool, IProgress{long}?)"/>).</summary>
    /// <param name="source">The frames; read from first to last, once.</param>
    /// <param name="mask">Detector pixels to leave out, or null.</param>
    /// <param name="check">Check every value (finite, non-negative).</param>
    /// <param name="clipNegative">Clip negative values to 0 instead of rejecting them.</param>
    /// <param name="progress">Receives the number of frames read so far after each block.</param>
    /// <param name="slab">Where these frames sit in the whole scan (null: they are the whole scan).</param>
    public static UnfoldedData ReadFloat32(FrameSource source, DetectorMask? mask, bool check, bool clipNegative, IProgress<long>? progress, ScanSlab? slab = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        PixelMap pixels = PixelMap.Create(source.DetRows, source.DetCols, mask);
        ScanSlab where = SlabOf(source, slab);
        int nXy = (int)source.FrameCount;
        long stride = (pixels.KeptCount + 15L) & ~15L;
        var frames = new AlignedBuffer<float>(Math.Max(1, checked(stride * nXy)), "X");
        try
        {
            var x = MatrixView.Over(frames, nXy, pixels.KeptCount, stride);
            var reader = new FrameBlockReader(source, check, clipNegative);
            reader.ReadInto(x, pixels.KeepsAll ? null : pixels.KeptPixels.ToArray(), progress);
            return new UnfoldedData(x, null, frames, pixels, where) { ClippedValues = reader.Clipped };
        }
        catch
        {
            frames.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads every frame of <paramref name="source"/> once straight into uint16 X — 2 bytes per value, never a float32
    /// copy — for counted electrons: every kept value must be an integer in [0, 65 535] (finite, non-negative). When
    /// nothing is masked and the source is a plain little-endian uint16 C-order <c>.npy</c>, X is that file, memory-mapped
    /// read-only (<see cref="UnfoldedData.IsMapped"/>): no memory is allocated for it, the OS pages frames in as each pass
    /// over X needs them, so a data set larger than RAM can be factorized (at the speed the disk delivers once it no
    /// longer fits in the page cache).
    /// </summary>
    /// <exception cref="ArgumentException">the mask does not match the detector.</exception>
    /// <exception cref="DataFormatException">a value that is not a count (named by element), or the reader found the file malformed.</exception>
    public static unsafe UnfoldedData ReadCounts(FrameSource source, DetectorMask? mask, bool clipNegative, IProgress<long>? progress, ScanSlab? slab = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        PixelMap pixels = PixelMap.Create(source.DetRows, source.DetCols, mask);
        ScanSlab where = SlabOf(source, slab);
        int nXy = (int)source.FrameCount;
        if (pixels.KeepsAll && source is NpyFrameSource { CanMapCounts: true } npy)
        {
            MappedFile map = npy.MapCounts(out long offset);
            UInt16Frames mapped = UInt16Frames.Over((ushort*)(map.Pointer + offset), map, nXy, pixels.KeptCount, pixels.KeptCount);
            return new UnfoldedData(default, mapped, null, pixels, where) { IsMapped = true };
        }

        long stride = (pixels.KeptCount + 31L) & ~31L;
        var values = new AlignedBuffer<ushort>(Math.Max(1, checked(stride * nXy)), "X as uint16");
        UInt16Frames counts = UInt16Frames.Over(values.Pointer, values, nXy, pixels.KeptCount, stride);
        try
        {
            var reader = new FrameBlockReader(source, check: true, clipNegative);
            reader.ReadCounts(values.Pointer, stride, nXy, pixels.KeepsAll ? null : pixels.KeptPixels.ToArray(), progress);
            return new UnfoldedData(default, counts, null, pixels, where) { ClippedValues = reader.Clipped };
        }
        catch
        {
            counts.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads <paramref name="source"/> as uint16 X when every kept value is a count — 2 bytes per value from file to X,
    /// whatever the file's element type — and otherwise as float32 X: the uint16 read stops at the first value that is
    /// not a count (for real-valued data, in the first frame) and the file is read again as float32.
    /// </summary>
    /// <exception cref="ArgumentException">the mask does not match the detector.</exception>
    /// <exception cref="DataFormatException">a NaN, infinity or (without clipping) negative value, or a malformed file.</exception>
    public static UnfoldedData ReadAuto(FrameSource source, DetectorMask? mask, bool clipNegative, IProgress<long>? progress, ScanSlab? slab = null)
    {
        try
        {
            return ReadCounts(source, mask, clipNegative, progress, slab);
        }
        catch (DataFormatException e) when (e.NotACount)
        {
            return ReadFloat32(source, mask, check: true, clipNegative, progress, slab);
        }
    }

    private static ScanSlab SlabOf(FrameSource source, ScanSlab? slab)
    {
        if (source.FrameCount > int.MaxValue)
        {
            throw new DataFormatException(source.Path, null, $"{source.FrameCount} frames are more than X can hold as columns.");
        }

        if (slab is null)
        {
            return ScanSlab.Whole(source.ScanRows, source.ScanCols);
        }

        if (slab.Rows != source.ScanRows || slab.ScanCols != source.ScanCols)
        {
            throw new ArgumentException($"{source.Path} holds {source.ScanRows}×{source.ScanCols} scan positions, the slab {slab.Rows}×{slab.ScanCols}.", nameof(slab));
        }

        return slab;
    }
}
