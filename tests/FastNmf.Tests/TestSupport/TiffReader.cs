using System.Buffers.Binary;

namespace FastNmf.Tests.TestSupport;

/// <summary>A minimal reader for the TIFFs FastNmf writes: little-endian, uncompressed 32-bit float, one strip per page.
/// Checks the tags a viewer relies on and returns every page's pixels.</summary>
internal static class TiffReader
{
    public static (int Rows, int Cols, List<float[]> Pages, Dictionary<int, uint> FirstTags) Read(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        if (b[0] != 'I' || b[1] != 'I' || BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(2)) != 42)
        {
            throw new InvalidDataException("not a little-endian TIFF");
        }

        var pages = new List<float[]>();
        Dictionary<int, uint>? first = null;
        int rows = 0, cols = 0;
        for (uint ifd = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(4)); ifd != 0;)
        {
            if (ifd % 2 != 0)
            {
                throw new InvalidDataException($"IFD at odd offset {ifd}");
            }

            int n = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan((int)ifd));
            var tags = new Dictionary<int, uint>();
            int previous = -1;
            for (int e = 0; e < n; e++)
            {
                Span<byte> entry = b.AsSpan((int)ifd + 2 + (12 * e), 12);
                int tag = BinaryPrimitives.ReadUInt16LittleEndian(entry);
                if (tag <= previous)
                {
                    throw new InvalidDataException("tags not in ascending order");
                }

                previous = tag;
                ushort type = BinaryPrimitives.ReadUInt16LittleEndian(entry[2..]);
                tags[tag] = type == 3 ? BinaryPrimitives.ReadUInt16LittleEndian(entry[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]);
            }

            first ??= tags;
            (cols, rows) = ((int)tags[256], (int)tags[257]);
            if (tags[258] != 32 || tags[339] != 3 || tags[259] != 1 || tags[277] != 1 || tags[278] != rows || tags[279] != rows * cols * 4)
            {
                throw new InvalidDataException("not an uncompressed single-strip 32-bit float page");
            }

            float[] pixels = new float[rows * cols];
            Buffer.BlockCopy(b, (int)tags[273], pixels, 0, pixels.Length * 4);
            pages.Add(pixels);
            ifd = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan((int)ifd + 2 + (12 * n)));
        }

        return (rows, cols, pages, first!);
    }
}
