using System.Buffers.Binary;
using System.Text;

namespace FastNmf.Tests.TestSupport;

/// <summary>
/// Writes DigitalMicrograph DM3/DM4 files from the published tag-file layout (header: version, root length, byte
/// order, big-endian; groups: sorted, open, entry count; entries: kind 20/21, label length, label, [DM4: entry size];
/// data: "%%%%", info count, info words, little-endian value). Independent of the reader.
/// </summary>
internal static class DmBytes
{
    public abstract record Node(string Label);

    public sealed record Group(string Label, params Node[] Children) : Node(Label);

    /// <summary>A simple value of encoding <paramref name="Type"/> (3 int32, 5 uint32, 6 float32, 8 bool, …).</summary>
    public sealed record Simple(string Label, int Type, double Value) : Node(Label);

    /// <summary>An array of simple <paramref name="ElementType"/>, its little-endian bytes given.</summary>
    public sealed record Array(string Label, int ElementType, long Count, byte[] Bytes) : Node(Label);

    /// <summary>The file: header, then the root group's entries.</summary>
    public static byte[] File(int version, params Node[] root)
    {
        using var body = new MemoryStream();
        GroupBody(body, version, root);
        using var file = new MemoryStream();
        Word32(file, (uint)version);
        Word(file, version, body.Length);
        Word32(file, 1); // values little-endian
        body.Position = 0;
        body.CopyTo(file);
        file.Write(new byte[8]); // the zero entries DM writes at the end
        return file.ToArray();
    }

    /// <summary>An image group as GMS writes it: ImageData (Calibrations, Data, DataType, Dimensions, PixelDepth) and ImageTags.</summary>
    public static Group Image(int dataType, int elementType, int pixelBytes, long[] dims, byte[] pixels, bool? orderSwapped) =>
        new(string.Empty,
            new Group("ImageData",
                new Group("Calibrations",
                    new Group("Brightness", new Simple("Origin", 6, 0), new Simple("Scale", 6, 1), new Array("Units", 4, 0, [])),
                    new Group("Dimension", dims.Select(_ => (Node)new Group(string.Empty, new Simple("Origin", 6, 0), new Simple("Scale", 6, 1), new Array("Units", 4, 0, []))).ToArray())),
                new Array("Data", elementType, pixels.Length / ElementBytes(elementType), pixels),
                new Simple("DataType", 3, dataType),
                new Group("Dimensions", dims.Select(d => (Node)new Simple(string.Empty, 5, d)).ToArray()),
                new Simple("PixelDepth", 5, pixelBytes)),
            new Group("ImageTags", orderSwapped is bool swapped
                ? [new Group("Meta Data", new Simple("Data Order Swapped", 8, swapped ? 1 : 0), new Array("Format", 4, 17, Utf16("Diffraction image")))]
                : []),
            new Array("Name", 4, 4, Utf16("data")));

    public static int ElementBytes(int type) => type switch
    {
        2 or 4 => 2,
        3 or 5 or 6 => 4,
        7 or 11 or 12 => 8,
        _ => 1,
    };

    private static byte[] Utf16(string s) => Encoding.Unicode.GetBytes(s);

    private static void GroupBody(Stream s, int version, Node[] children)
    {
        s.WriteByte(1);
        s.WriteByte(0);
        Word(s, version, children.Length);
        foreach (Node child in children)
        {
            Entry(s, version, child);
        }
    }

    private static void Entry(Stream s, int version, Node node)
    {
        using var body = new MemoryStream();
        if (node is Group g)
        {
            GroupBody(body, version, g.Children);
        }
        else
        {
            DataBody(body, version, node);
        }

        s.WriteByte(node is Group ? (byte)20 : (byte)21);
        byte[] label = Encoding.Latin1.GetBytes(node.Label);
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)label.Length);
        s.Write(length);
        s.Write(label);
        if (version == 4)
        {
            Word(s, 4, body.Length);
        }

        body.Position = 0;
        body.CopyTo(s);
    }

    private static void DataBody(Stream s, int version, Node node)
    {
        s.Write("%%%%"u8);
        switch (node)
        {
            case Simple v:
                Word(s, version, 1);
                Word(s, version, v.Type);
                s.Write(Encode(v.Type, v.Value));
                break;
            case Array a:
                Word(s, version, 3);
                Word(s, version, 20);
                Word(s, version, a.ElementType);
                Word(s, version, a.Count);
                s.Write(a.Bytes);
                break;
        }
    }

    private static byte[] Encode(int type, double value)
    {
        var b = new byte[ElementBytes(type)];
        switch (type)
        {
            case 3: BinaryPrimitives.WriteInt32LittleEndian(b, (int)value); break;
            case 5: BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)value); break;
            case 6: BinaryPrimitives.WriteSingleLittleEndian(b, (float)value); break;
            case 7: BinaryPrimitives.WriteDoubleLittleEndian(b, value); break;
            default: b[0] = (byte)value; break;
        }

        return b;
    }

    private static void Word(Stream s, int version, long value)
    {
        var b = new byte[version == 4 ? 8 : 4];
        if (version == 4)
        {
            BinaryPrimitives.WriteUInt64BigEndian(b, (ulong)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(b, (uint)value);
        }

        s.Write(b);
    }

    private static void Word32(Stream s, uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        s.Write(b);
    }
}
