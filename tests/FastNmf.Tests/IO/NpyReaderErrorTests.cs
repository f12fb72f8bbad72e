using System.Buffers.Binary;
using System.Text;
using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO;

/// <summary>
/// Every malformed file is one <see cref="DataFormatException"/> naming the file and, where it applies, the byte offset;
/// the fuzz test holds the reader to that on hundreds of seeded truncations and bit flips.
/// </summary>
[TestFixture]
public sealed class NpyReaderErrorTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void ReadFloat32_MissingFile_ThrowsFileNotFound()
    {
        string path = Path.Combine(_temp.Path, "absent.npy");

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, null, "file not found");
    }

    [Test]
    public void ReadHeader_MissingDirectory_ThrowsFileNotFound()
    {
        string path = Path.Combine(_temp.Path, "nowhere", "absent.npy");

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadHeader(path));

        AssertFormatError(ex, path, null, "file not found");
    }

    [TestCase(0)]
    [TestCase(6)]
    [TestCase(9)]
    public void ReadFloat32_FileShorterThanTenBytes_ThrowsTooShort(int length)
    {
        string path = _temp.Write("short.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", "(1,)"), NpyBytes.Encode("<f4", [1]))[..length]);

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 0, "too short");
    }

    [Test]
    public void ReadFloat32_WrongMagic_ThrowsAtOffsetZero()
    {
        byte[] file = NpyBytes.Npy(NpyBytes.Dict("<f4", "(1,)"), NpyBytes.Encode("<f4", [1]));
        file[1] = (byte)'X';
        string path = _temp.Write("magic.npy", file);

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 0, "magic");
    }

    [TestCase(0, 0)]
    [TestCase(4, 0)]
    [TestCase(1, 1)]
    [TestCase(255, 255)]
    public void ReadFloat32_UnknownVersion_ThrowsAtOffsetSix(int major, int minor)
    {
        byte[] file = NpyBytes.Npy(NpyBytes.Dict("<f4", "(1,)"), NpyBytes.Encode("<f4", [1]));
        file[6] = (byte)major;
        file[7] = (byte)minor;
        string path = _temp.Write("version.npy", file);

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 6, $"version {major}.{minor}");
    }

    [TestCase(1)]
    [TestCase(2)]
    public void ReadFloat32_HeaderLengthPastEndOfFile_ThrowsAtOffsetEight(int major)
    {
        byte[] file = NpyBytes.Npy(NpyBytes.Dict("<f4", "(1,)"), NpyBytes.Encode("<f4", [1]), major: major);
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), 60000);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), 3_000_000_000);
        }

        string path = _temp.Write("length.npy", file);

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 8, "past the end");
    }

    [Test]
    public void ReadFloat32_Version2LengthFieldCutShort_ThrowsAtOffsetEight()
    {
        string path = _temp.Write("cut.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", "(1,)"), NpyBytes.Encode("<f4", [1]), major: 2)[..11]);

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 8, "past the end");
    }

    [TestCase("")]
    [TestCase("not a dict")]
    [TestCase("{'descr': '<f4', 'fortran_order': False}")]
    [TestCase("{'fortran_order': False, 'shape': (1,)}")]
    [TestCase("{'descr': '<f4', 'shape': (1,)}")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } trailing")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), ")]
    [TestCase("{'descr': '<f4 , 'fortran_order': False, 'shape': (1,), }")]
    [TestCase("{'descr': '<f4' 'fortran_order': False, 'shape': (1,), }")]
    [TestCase("{'descr': '<f4', 'fortran_order': 'no', 'shape': (1,), }")]
    [TestCase("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': 1, }")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (1), }")]
    [TestCase("{'descr': '<f4', 'fortran_order': false, 'shape': (1,), }")]
    [TestCase("{1: '<f4', 'fortran_order': False, 'shape': (1,), }")]
    [TestCase("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1e, }")]
    public void ReadFloat32_MalformedHeaderDict_ThrowsAtHeaderStart(string dict)
    {
        string path = _temp.Write("dict.npy", NpyBytes.Npy(dict, NpyBytes.Encode("<f4", [1])));

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 10, "malformed header");
    }

    [Test]
    public void ReadFloat32_MalformedHeaderDictVersion2_ThrowsAtOffsetTwelve()
    {
        string path = _temp.Write("dict2.npy", NpyBytes.Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,", NpyBytes.Encode("<f4", [1]), major: 2));

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 12, "malformed header");
    }

    [Test]
    public void ReadFloat32_DeeplyNestedHeader_ThrowsInsteadOfOverflowingStack()
    {
        string nested = new string('(', 100_000) + new string(')', 100_000);
        string path = _temp.Write("deep.npy", NpyBytes.Npy($"{{'descr': {nested}, 'fortran_order': False, 'shape': (1,), }}", NpyBytes.Encode("<f4", [1]), major: 2));

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 12, "nested");
    }

    [Test]
    public void ReadFloat32_Version3InvalidUtf8_ThrowsAtOffsetTwelve()
    {
        byte[] file = NpyBytes.Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': '??', }", NpyBytes.Encode("<f4", [1]), major: 3);
        int question = Array.IndexOf(file, (byte)'?');
        file[question] = 0xC3;
        file[question + 1] = 0x28;
        string path = _temp.Write("utf8.npy", file);

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 12, "UTF-8");
    }

    [TestCase("(3, -1)")]
    [TestCase("(-2,)")]
    [TestCase("(-99999999999999999999,)")]
    public void ReadFloat32_NegativeShapeEntry_Throws(string shape)
    {
        string path = _temp.Write("negative.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", shape), []));

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 10, "negative");
    }

    [TestCase("(3.5, 2)")]
    [TestCase("('a',)")]
    [TestCase("(True,)")]
    [TestCase("(None,)")]
    [TestCase("((2, 3),)")]
    public void ReadFloat32_NonIntegerShapeEntry_Throws(string shape)
    {
        string path = _temp.Write("nonint.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", shape), []));

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 10, "non-integer");
    }

    [TestCase("<f4", "(4294967296, 4294967296)")]
    [TestCase("<f4", "(99999999999999999999,)")]
    [TestCase("<f8", "(4611686018427387904,)")]
    public void ReadFloat32_ElementCountOverflow_Throws(string descr, string shape)
    {
        string path = _temp.Write("overflow.npy", NpyBytes.Npy(NpyBytes.Dict(descr, shape), []));

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 10, "overflow");
    }

    [Test]
    public void ReadFloat32_DataShorterThanShape_ThrowsTruncated()
    {
        byte[] file = NpyBytes.Npy(NpyBytes.Dict("<f4", "(4,)"), NpyBytes.Encode("<f4", [1, 2, 3, 4]));
        string path = _temp.Write("truncated.npy", file[..^6]);

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 128, "truncated: expected 16 bytes of data at byte 128, file has 10");
    }

    [Test]
    public void ReadHeader_DataShorterThanShape_StillReturnsHeader()
    {
        string path = _temp.Write("truncated.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", "(4,)"), []));

        Assert.That(NpyReader.ReadHeader(path).Shape, Is.EqualTo(new long[] { 4 }));
    }

    [Test]
    public void ReadFloat32_MoreElementsThanAnArrayHolds_ThrowsTooLarge()
    {
        const long count = 2_147_483_648;
        byte[] header = NpyBytes.Npy(NpyBytes.Dict("|u1", $"({count},)"), []);
        string path = Path.Combine(_temp.Path, "huge.npy");
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.Write(header);

            // A sparse file: the data section exists without using 2 GiB of disk.
            stream.SetLength(header.Length + count);
        }

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 10, $"too large for in-memory loading ({count} elements");
    }

    [TestCase("'<c8'")]
    [TestCase("'|b1'")]
    [TestCase("'|O'")]
    [TestCase("'<U3'")]
    [TestCase("'|f4'")]
    [TestCase("'<f16'")]
    [TestCase("'<M8[ns]'")]
    [TestCase("''")]
    [TestCase("[('a', '<f4'), ('b', '<i4')]")]
    [TestCase("{'names': ['a'], 'formats': ['<f4']}")]
    public void ReadFloat32_UnsupportedDtype_ThrowsNamingDescr(string descrLiteral)
    {
        string path = _temp.Write("dtype.npy", NpyBytes.Npy($"{{'descr': {descrLiteral}, 'fortran_order': False, 'shape': (1,), }}", new byte[16]));

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 10, "unsupported dtype");
        Assert.That(ex!.Message, Does.Contain(descrLiteral));
    }

    [Test]
    public void ReadFloat32_RandomTruncationsAndHeaderCorruption_OnlyThrowDataFormatException()
    {
        byte[] valid = NpyBytes.Npy(NpyBytes.Dict("<f4", "(3, 4)"), NpyBytes.Encode("<f4", Enumerable.Range(0, 12).Select(i => (double)i).ToArray()));
        int headerEnd = valid.Length - (12 * sizeof(float));
        var random = new Random(1234);
        string path = Path.Combine(_temp.Path, "fuzz.npy");
        var failures = new List<string>();
        int succeeded = 0, rejected = 0;

        for (int trial = 0; trial < 600; trial++)
        {
            byte[] file;
            string mutation;
            if (trial < 300)
            {
                int length = random.Next(0, valid.Length);
                file = valid[..length];
                mutation = $"truncated to {length} bytes";
            }
            else
            {
                file = (byte[])valid.Clone();
                int flips = random.Next(1, 4);
                mutation = "flipped";
                for (int f = 0; f < flips; f++)
                {
                    int position = random.Next(0, headerEnd);
                    byte mask = (byte)(1 << random.Next(8));
                    file[position] ^= mask;
                    mutation += $" byte {position} ^ 0x{mask:X2}";
                }
            }

            File.WriteAllBytes(path, file);
            try
            {
                _ = NpyReader.ReadFloat32(path);
                succeeded++;
            }
            catch (DataFormatException ex) when (ex.Path == path)
            {
                rejected++;
            }
            catch (Exception ex)
            {
                failures.Add($"{mutation}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        TestContext.Out.WriteLine($"fuzz: {succeeded} read, {rejected} rejected");
        Assert.That(failures, Is.Empty);
    }

    private static void AssertFormatError(DataFormatException? ex, string path, long? offset, string fragment)
    {
        Assert.That(ex, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Path, Is.EqualTo(path));
            Assert.That(ex.Offset, Is.EqualTo(offset));
            Assert.That(ex.Message, Does.StartWith(path + ": "));
            Assert.That(ex.Message, Does.Contain(fragment));
            if (offset is { } at)
            {
                Assert.That(ex.Message, Does.Contain($"byte {at}"));
            }
        });
    }
}
