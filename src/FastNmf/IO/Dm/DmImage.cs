using System.Globalization;

namespace FastNmf.IO.Dm;

/// <summary>
/// One image of a DM file's <c>ImageList</c> as a 4D-STEM stack. DM lists dimensions fastest first (x, y, z, …), the
/// reverse of C. A 3-D image <c>[det_cols, det_rows, frames]</c> is a stack of frames. A 4-D image is either C-ordered,
/// <c>[det_cols, det_rows, scan_cols, scan_rows]</c> (frames contiguous; written by GMS when <c>ImageTags › Meta Data ›
/// Data Order Swapped</c> is true), or in the older hybrid order <c>[scan_cols, scan_rows, det_cols, det_rows]</c>
/// (each detector pixel holds a contiguous scan image; the tag false, or absent — as LiberTEM assumes for 4-D STEM data).
/// </summary>
internal sealed record DmImage(int Index, long DataType, long[] Dimensions, DmData Data, bool? OrderSwapped)
{
    /// <summary>Whether a 4-D image stores whole frames contiguously.</summary>
    public bool FramesContiguous => Dimensions.Length == 3 || OrderSwapped == true;

    /// <summary>Detector rows and columns, and the scan grid when the image records one.</summary>
    public (int DetRows, int DetCols, long Frames, ScanShape? Scan) Geometry()
    {
        long[] d = Dimensions;
        if (d.Length == 3)
        {
            return ((int)d[1], (int)d[0], d[2], null);
        }

        return FramesContiguous
            ? ((int)d[1], (int)d[0], d[2] * d[3], new ScanShape((int)d[3], (int)d[2]))
            : ((int)d[3], (int)d[2], d[0] * d[1], new ScanShape((int)d[1], (int)d[0]));
    }

    /// <summary>The images of a parsed tag tree, with their data located.</summary>
    /// <exception cref="DataFormatException">no ImageList, or an image whose data size does not match its dimensions.</exception>
    public static List<DmImage> All(DmTag root, string path)
    {
        DmTag list = root["ImageList"] ?? throw new DataFormatException(path, null, "no ImageList tag group: the file holds no image.");
        var images = new List<DmImage>();
        int index = 0;
        foreach (DmTag image in list.Children ?? [])
        {
            DmTag? data = image.At("ImageData", "Data");
            DmTag? type = image.At("ImageData", "DataType");
            DmTag? dims = image.At("ImageData", "Dimensions");
            if (data?.Data is { Type: 20 } array && type?.Data?.Scalar is double code && dims?.Children is { } entries)
            {
                long[] shape = entries.Select(e => e.Data?.Scalar is double v && v >= 1 && v <= int.MaxValue ? (long)v : -1).ToArray();
                if (shape.Any(v => v < 0))
                {
                    throw new DataFormatException(path, dims.Offset, $"image {index}: a dimension is not a positive integer.");
                }

                bool? swapped = image.At("ImageTags", "Meta Data", "Data Order Swapped")?.Data?.Scalar is double s ? s != 0 : null;
                var found = new DmImage(index, (long)code, shape, array, swapped);
                found.CheckSize(path, data.Offset);
                images.Add(found);
            }

            index++;
        }

        return images;
    }

    /// <summary>Describes the image for lists, e.g. <c>1: 4-D [64, 64, 8, 8] uint16</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Index}: {Dimensions.Length}-D [{string.Join(", ", Dimensions)}] type {DataType}");

    private void CheckSize(string path, long offset)
    {
        if (DmDataType.FromImage(DataType) is not { } t)
        {
            return; // refused with a clear message if this image is chosen
        }

        long elements = 1;
        foreach (long d in Dimensions)
        {
            elements = elements > long.MaxValue / d ? long.MaxValue : elements * d;
        }

        if (elements == long.MaxValue || elements > long.MaxValue / t.Size || elements * t.Size != Data.DataBytes)
        {
            throw new DataFormatException(path, offset,
                $"image {Index}: dimensions [{string.Join(", ", Dimensions)}] of {t.Size}-byte pixels need {(elements == long.MaxValue ? "more than 2^63" : (elements * t.Size).ToString(CultureInfo.InvariantCulture))} bytes, its Data tag holds {Data.DataBytes}.");
        }
    }
}
