using System.Buffers.Binary;
using System.Text;
using FastNmf.IO;

namespace FastNmf.Tests.TestSupport;

/// <summary>
/// Builds .npy files byte by byte from the documented layout (numpy.lib.format), so readers are never validated only
/// against our own writers.
/// </summary>
internal static class NpyBytes
{
    public static string Dict(string descr, string shape, bool fortran = false) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";

    /// <summary>
    /// Assembles a file per the format spec: magic, version, little-endian header length (uint16 for 1.x, uint32
    /// otherwise), the dict padded with spaces and ended by '\n' so the preamble plus header is a multiple of
    /// <paramref name="alignment"/>, then the data.
    /// </summary>
    public static byte[] Npy(string dict, byte[] data, int major = 1, int alignment = 64)
    {
        int preamble = major == 1 ? 10 : 12;
        byte[] text = major == 3 ? Encoding.UTF8.GetBytes(dict) : Encoding.Latin1.GetBytes(dict);
        int total = preamble + text.Length + 1;
        int dataOffset = (total + alignment - 1) / alignment * alignment;
        int headerLength = dataOffset - preamble;

        var file = new byte[dataOffset + data.Length];
        file[0] = 0x93;
        "NUMPY"u8.CopyTo(file.AsSpan(1));
        file[6] = (byte)major;
        file[7] = 0;
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), checked((ushort)headerLength));
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), (uint)headerLength);
        }

        text.CopyTo(file, preamble);
        file.AsSpan(preamble + text.Length, headerLength - text.Length - 1).Fill((byte)' ');
        file[dataOffset - 1] = (byte)'\n';
        data.CopyTo(file, dataOffset);
        return file;
    }

    public static byte[] Encode(string descr, double[] values)
    {
        bool big = descr[0] == '>' || (descr[0] == '=' && !BitConverter.IsLittleEndian);
        string code = descr[1..];
        int size = code[1] - '0';
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            Span<byte> d = bytes.AsSpan(i * size, size);
            double v = values[i];
            switch (code)
            {
                case "u1": d[0] = (byte)v; break;
                case "i1": d[0] = unchecked((byte)(sbyte)v); break;
                case "u2" when big: BinaryPrimitives.WriteUInt16BigEndian(d, (ushort)v); break;
                case "u2": BinaryPrimitives.WriteUInt16LittleEndian(d, (ushort)v); break;
                case "i2" when big: BinaryPrimitives.WriteInt16BigEndian(d, (short)v); break;
                case "i2": BinaryPrimitives.WriteInt16LittleEndian(d, (short)v); break;
                case "u4" when big: BinaryPrimitives.WriteUInt32BigEndian(d, (uint)v); break;
                case "u4": BinaryPrimitives.WriteUInt32LittleEndian(d, (uint)v); break;
                case "i4" when big: BinaryPrimitives.WriteInt32BigEndian(d, (int)v); break;
                case "i4": BinaryPrimitives.WriteInt32LittleEndian(d, (int)v); break;
                case "u8" when big: BinaryPrimitives.WriteUInt64BigEndian(d, (ulong)v); break;
                case "u8": BinaryPrimitives.WriteUInt64LittleEndian(d, (ulong)v); break;
                case "i8" when big: BinaryPrimitives.WriteInt64BigEndian(d, (long)v); break;
                case "i8": BinaryPrimitives.WriteInt64LittleEndian(d, (long)v); break;
                case "f2" when big: BinaryPrimitives.WriteHalfBigEndian(d, (Half)v); break;
                case "f2": BinaryPrimitives.WriteHalfLittleEndian(d, (Half)v); break;
                case "f4" when big: BinaryPrimitives.WriteSingleBigEndian(d, (float)v); break;
                case "f4": BinaryPrimitives.WriteSingleLittleEndian(d, (float)v); break;
                case "f8" when big: BinaryPrimitives.WriteDoubleBigEndian(d, v); break;
                case "f8": BinaryPrimitives.WriteDoubleLittleEndian(d, v); break;
                default: throw new ArgumentException($"no encoder for {descr}", nameof(descr));
            }
        }

        return bytes;
    }

    public static double[] ValuesFor(string code) => code switch
    {
        "u1" => [0, 1, 42, 200, 255],
        "i1" => [0, 1, -1, 127, -128],
        "u2" => [0, 1, 258, 65535],
        "i2" => [0, -1, 258, 32767, -32768],
        "u4" => [0, 1, 16_777_216, 4_294_967_295],
        "i4" => [0, -1, 16_777_217, int.MaxValue, int.MinValue],
        "u8" => [0, 1, 1e15, 9_223_372_036_854_775_808.0],
        "i8" => [0, -1, -1e15, -9_223_372_036_854_775_808.0],
        "f2" => [0, 1, -2.5, 65504, 6.103515625e-05, 0.1, double.PositiveInfinity],
        "f4" => [0, 1, -2.5, 0.1, 3.4028234663852886e38, 1e-45, double.NegativeInfinity],
        "f8" => [0, 1, -2.5, 0.1, 1e300, -1e-300, double.PositiveInfinity],
        _ => throw new ArgumentException($"no values for {code}", nameof(code)),
    };

    public static NpyDtype DtypeFor(string code) => code switch
    {
        "u1" => NpyDtype.UInt8,
        "i1" => NpyDtype.Int8,
        "u2" => NpyDtype.UInt16,
        "i2" => NpyDtype.Int16,
        "u4" => NpyDtype.UInt32,
        "i4" => NpyDtype.Int32,
        "u8" => NpyDtype.UInt64,
        "i8" => NpyDtype.Int64,
        "f2" => NpyDtype.Float16,
        "f4" => NpyDtype.Float32,
        "f8" => NpyDtype.Float64,
        _ => throw new ArgumentException($"unknown code {code}", nameof(code)),
    };
}
