using FastNmf.IO;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace FastNmf.Hdf5;

/// <summary>How a dataset's elements are stored: a NumPy-style dtype, its width and byte order.</summary>
/// <param name="Dtype">The element type, decoded by the same conversion as every other reader.</param>
/// <param name="Size">Bytes per element.</param>
/// <param name="BigEndian">Whether the file stores the elements big-endian.</param>
internal readonly record struct Hdf5ElementType(NpyDtype Dtype, int Size, bool BigEndian)
{
    // PureHDF refuses typed reads whose byte order differs from the host's with this text, and exposes the byte order
    // nowhere else; a one-element typed read is how FastNmf learns it (raw reads are not checked, so data is read raw).
    private const string ByteOrderRefusal = "Byte order conversion";

    /// <summary>The dtype's name as NumPy spells it, e.g. <c>uint16</c>.</summary>
    public string Name => Dtype.ToString().ToLowerInvariant();

    /// <summary>Reads the type of <paramref name="dataset"/>: integers of 1–8 bytes and floats of 2, 4, 8 bytes.</summary>
    /// <exception cref="DataFormatException">any other type class or width.</exception>
    public static Hdf5ElementType Of(string path, string datasetPath, NativeDataset dataset)
    {
        (H5DataTypeClass cls, int size, bool signed) = Hdf5Guard.Run(path, $"dataset {datasetPath}: datatype", () =>
        {
            IH5DataType t = dataset.Type;
            return (t.Class, t.Size, t.Class == H5DataTypeClass.FixedPoint && t.FixedPoint.IsSigned);
        });
        NpyDtype? dtype = (cls, size, signed) switch
        {
            (H5DataTypeClass.FixedPoint, 1, true) => NpyDtype.Int8,
            (H5DataTypeClass.FixedPoint, 1, false) => NpyDtype.UInt8,
            (H5DataTypeClass.FixedPoint, 2, true) => NpyDtype.Int16,
            (H5DataTypeClass.FixedPoint, 2, false) => NpyDtype.UInt16,
            (H5DataTypeClass.FixedPoint, 4, true) => NpyDtype.Int32,
            (H5DataTypeClass.FixedPoint, 4, false) => NpyDtype.UInt32,
            (H5DataTypeClass.FixedPoint, 8, true) => NpyDtype.Int64,
            (H5DataTypeClass.FixedPoint, 8, false) => NpyDtype.UInt64,
            (H5DataTypeClass.FloatingPoint, 2, _) => NpyDtype.Float16,
            (H5DataTypeClass.FloatingPoint, 4, _) => NpyDtype.Float32,
            (H5DataTypeClass.FloatingPoint, 8, _) => NpyDtype.Float64,
            _ => null,
        };
        if (dtype is null)
        {
            throw new DataFormatException(path, null,
                $"dataset {datasetPath} holds {size}-byte {cls} elements; FastNmf reads integers (1, 2, 4, 8 bytes) and floats (2, 4, 8 bytes).");
        }

        return new Hdf5ElementType(dtype.Value, size, size > 1 && IsForeignByteOrder(path, datasetPath, dataset, cls, size));
    }

    private static bool IsForeignByteOrder(string path, string datasetPath, NativeDataset dataset, H5DataTypeClass cls, int size)
    {
        int rank = Hdf5Guard.Run(path, $"dataset {datasetPath}: dataspace", () => dataset.Space.Rank);
        var one = new HyperslabSelection(rank, new ulong[rank], Enumerable.Repeat(1UL, rank).ToArray());
        try
        {
            // A typed read of the first element with a type of the same width: it succeeds in host byte order only.
            switch (cls, size)
            {
                case (H5DataTypeClass.FloatingPoint, 2):
                    dataset.Read(new Half[1].AsSpan(), one);
                    break;
                case (_, 2):
                    dataset.Read(new short[1].AsSpan(), one);
                    break;
                case (_, 4):
                    dataset.Read(new int[1].AsSpan(), one);
                    break;
                default:
                    dataset.Read(new long[1].AsSpan(), one);
                    break;
            }

            return false;
        }
        catch (Exception e) when (e.Message.StartsWith(ByteOrderRefusal, StringComparison.Ordinal))
        {
            return true;
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            throw new DataFormatException(path, null, $"dataset {datasetPath}: reading its first element: {Hdf5Guard.Describe(e)}", e);
        }
    }
}
