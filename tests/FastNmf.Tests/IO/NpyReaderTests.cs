using System.Buffers.Binary;
using System.Text;
using FastNmf.IO;
using NUnit.Framework;

namespace FastNmf.Tests.IO;

/// <summary>
/// Reader tests build their input files byte by byte from the documented .npy layout (numpy.lib.format), so the
/// reader is never validated only against our own writer.
/// </summary>
[TestFixture]
public sealed class NpyReaderTests
{
    private string _directory = "";

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "FastNmf.Tests.NpyReader." + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static IEnumerable<TestCaseData> SupportedDtypes()
    {
        foreach (string code in new[] { "u1", "i1" })
        {
            foreach (char order in "|<>=")
            {
                yield return new TestCaseData(order + code).SetArgDisplayNames(order + code);
            }
        }

        foreach (string code in new[] { "u2", "i2", "u4", "i4", "u8", "i8", "f2", "f4", "f8" })
        {
            foreach (char order in "<>=")
            {
                yield return new TestCaseData(order + code).SetArgDisplayNames(order + code);
            }
        }
    }

    [TestCaseSource(nameof(SupportedDtypes))]
    public void ReadFloat32_SupportedDtype_ConvertsEveryValue(string descr)
    {
        double[] values = ValuesFor(descr[1..]);
        string path = Save("dtype.npy", Npy(Dict(descr, $"({values.Length},)"), Encode(descr, values)));

        NpyArray array = NpyReader.ReadFloat32(path);

        float[] expected = values.Select(v => descr[1] == 'f' && descr[2] == '2' ? (float)(Half)v : (float)v).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(array.Shape, Is.EqualTo(new long[] { values.Length }));
            Assert.That(array.SourceDtype, Is.EqualTo(DtypeFor(descr[1..])));
            Assert.That(array.WasFortranOrder, Is.False);
            Assert.That(array.Data, Is.EqualTo(expected));
        });
    }

    [TestCase("<f4", false)]
    [TestCase(">f4", true)]
    [TestCase("|u1", false)]
    [TestCase(">i8", true)]
    public void ReadHeader_ValidFile_ReportsAllFields(string descr, bool bigEndian)
    {
        string path = Save("header.npy", Npy(Dict(descr, "(2, 3)", fortran: true), new byte[6 * (descr[2] - '0')]));

        NpyHeader header = NpyReader.ReadHeader(path);

        Assert.Multiple(() =>
        {
            Assert.That(header.MajorVersion, Is.EqualTo(1));
            Assert.That(header.MinorVersion, Is.EqualTo(0));
            Assert.That(header.Descr, Is.EqualTo(descr));
            Assert.That(header.Dtype, Is.EqualTo(DtypeFor(descr[1..])));
            Assert.That(header.ItemSize, Is.EqualTo(descr[2] - '0'));
            Assert.That(header.IsBigEndian, Is.EqualTo(bigEndian));
            Assert.That(header.FortranOrder, Is.True);
            Assert.That(header.Shape, Is.EqualTo(new long[] { 2, 3 }));
            Assert.That(header.ElementCount, Is.EqualTo(6L));
            Assert.That(header.HeaderOffset, Is.EqualTo(10L));
            Assert.That(header.DataOffset, Is.EqualTo(128L));
            Assert.That(header.FormatShape(), Is.EqualTo("(2, 3)"));
        });
    }

    [Test]
    public void ReadFloat32_COrder2D_KeepsRowMajorLayout()
    {
        float[] values = [0, 1, 2, 3, 4, 5];
        string path = Save("c.npy", Npy(Dict("<f4", "(2, 3)"), Encode("<f4", values.Select(v => (double)v).ToArray())));

        NpyArray array = NpyReader.ReadFloat32(path);

        Assert.That(array.Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(array.Data, Is.EqualTo(values));
    }

    [TestCase("<f4")]
    [TestCase(">f8")]
    [TestCase("<i2")]
    public void ReadFloat32_FortranOrder2x3x4_TransposesToCOrder(string descr)
    {
        // Fortran order: the first index varies fastest in the file.
        var fortran = new List<double>();
        for (int k = 0; k < 4; k++)
        {
            for (int j = 0; j < 3; j++)
            {
                for (int i = 0; i < 2; i++)
                {
                    fortran.Add((100 * i) + (10 * j) + k);
                }
            }
        }

        string path = Save("f.npy", Npy(Dict(descr, "(2, 3, 4)", fortran: true), Encode(descr, fortran.ToArray())));

        NpyArray array = NpyReader.ReadFloat32(path);

        var expected = new float[24];
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                for (int k = 0; k < 4; k++)
                {
                    expected[(i * 12) + (j * 4) + k] = (100 * i) + (10 * j) + k;
                }
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(array.WasFortranOrder, Is.True);
            Assert.That(array.Shape, Is.EqualTo(new long[] { 2, 3, 4 }));
            Assert.That(array.Data, Is.EqualTo(expected));
        });
    }

    [Test]
    public void ReadFloat32_FortranOrderSpanningSeveralChunks_TransposesEveryElement()
    {
        // 630 000 float32 elements = 2.4 MiB: several read chunks, none a multiple of the fastest extent.
        const int n0 = 300, n1 = 700, n2 = 3;
        var bytes = new byte[n0 * n1 * n2 * 4];
        int position = 0;
        for (int k = 0; k < n2; k++)
        {
            for (int j = 0; j < n1; j++)
            {
                for (int i = 0; i < n0; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(position), (i * n1 * n2) + (j * n2) + k);
                    position += 4;
                }
            }
        }

        string path = Save("big.npy", Npy(Dict("<f4", $"({n0}, {n1}, {n2})", fortran: true), bytes));

        float[] data = NpyReader.ReadFloat32(path).Data;

        int wrong = Enumerable.Range(0, data.Length).Count(c => data[c] != c);
        Assert.That(wrong, Is.Zero);
    }

    [Test]
    public void ReadFloat32_FortranOrder1D_IsUnchanged()
    {
        string path = Save("f1.npy", Npy(Dict("<f4", "(3,)", fortran: true), Encode("<f4", [1, 2, 3])));

        Assert.That(NpyReader.ReadFloat32(path).Data, Is.EqualTo(new float[] { 1, 2, 3 }));
    }

    [Test]
    public void ReadFloat32_Version2Header_ReadsData()
    {
        string path = Save("v2.npy", Npy(Dict("<f4", "(2,)"), Encode("<f4", [1.5, -2.5]), major: 2));

        NpyHeader header = NpyReader.ReadHeader(path);
        NpyArray array = NpyReader.ReadFloat32(path);

        Assert.Multiple(() =>
        {
            Assert.That(header.MajorVersion, Is.EqualTo(2));
            Assert.That(header.HeaderOffset, Is.EqualTo(12L));
            Assert.That(header.DataOffset, Is.EqualTo(128L));
            Assert.That(array.Data, Is.EqualTo(new float[] { 1.5f, -2.5f }));
        });
    }

    [Test]
    public void ReadFloat32_Version3Utf8Header_ReadsData()
    {
        string path = Save("v3.npy", Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'note': 'µm²', }", Encode("<f4", [3, 4]), major: 3));

        NpyArray array = NpyReader.ReadFloat32(path);

        Assert.That(array.Data, Is.EqualTo(new float[] { 3, 4 }));
    }

    [Test]
    public void ReadFloat32_ZeroDimensional_ReadsOneElement()
    {
        string path = Save("scalar.npy", Npy(Dict("<f8", "()"), Encode("<f8", [6.25])));

        NpyArray array = NpyReader.ReadFloat32(path);

        Assert.Multiple(() =>
        {
            Assert.That(array.Shape, Is.Empty);
            Assert.That(array.Data, Is.EqualTo(new float[] { 6.25f }));
        });
    }

    [Test]
    public void ReadFloat32_OneDimensional_ReadsAllElements()
    {
        string path = Save("vector.npy", Npy(Dict("<i4", "(5,)"), Encode("<i4", [1, 2, 3, 4, 5])));

        NpyArray array = NpyReader.ReadFloat32(path);

        Assert.Multiple(() =>
        {
            Assert.That(array.Shape, Is.EqualTo(new long[] { 5 }));
            Assert.That(array.Data, Is.EqualTo(new float[] { 1, 2, 3, 4, 5 }));
        });
    }

    [Test]
    public void ReadFloat32_ZeroSizedDimension_ReturnsEmptyData()
    {
        string path = Save("empty.npy", Npy(Dict("<f4", "(0, 3)", fortran: true), []));

        NpyArray array = NpyReader.ReadFloat32(path);

        Assert.Multiple(() =>
        {
            Assert.That(array.Shape, Is.EqualTo(new long[] { 0, 3 }));
            Assert.That(array.Data, Is.Empty);
        });
    }

    [TestCase("{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}")]
    [TestCase("{'descr':'<f4','fortran_order':False,'shape':(2,)}")]
    [TestCase("{ \"descr\" : \"<f4\" , \"fortran_order\" : False , \"shape\" : ( 2 , ) , }")]
    [TestCase("{'descr': '<f4',\t'fortran_order': False, 'shape': (2L,), }")]
    [TestCase("{'descr': u'<f4', 'fortran_order': False, 'shape': [2], }")]
    public void ReadFloat32_HeaderSpellingVariants_AreAccepted(string dict)
    {
        string path = Save("variant.npy", Npy(dict, Encode("<f4", [7, 8]), alignment: 16));

        NpyArray array = NpyReader.ReadFloat32(path);

        Assert.Multiple(() =>
        {
            Assert.That(array.Shape, Is.EqualTo(new long[] { 2 }));
            Assert.That(array.Data, Is.EqualTo(new float[] { 7, 8 }));
        });
    }

    [Test]
    public void ReadFloat32_TrailingBytesAfterData_AreIgnored()
    {
        byte[] file = [.. Npy(Dict("<f4", "(1,)"), Encode("<f4", [9])), 1, 2, 3];
        string path = Save("trailing.npy", file);

        Assert.That(NpyReader.ReadFloat32(path).Data, Is.EqualTo(new float[] { 9 }));
    }

    [Test]
    public void ReadFloat32_MissingFile_ThrowsFileNotFound()
    {
        string path = Path.Combine(_directory, "absent.npy");

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, null, "file not found");
    }

    [Test]
    public void ReadHeader_MissingDirectory_ThrowsFileNotFound()
    {
        string path = Path.Combine(_directory, "nowhere", "absent.npy");

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadHeader(path));

        AssertFormatError(ex, path, null, "file not found");
    }

    [TestCase(0)]
    [TestCase(6)]
    [TestCase(9)]
    public void ReadFloat32_FileShorterThanTenBytes_ThrowsTooShort(int length)
    {
        string path = Save("short.npy", Npy(Dict("<f4", "(1,)"), Encode("<f4", [1]))[..length]);

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 0, "too short");
    }

    [Test]
    public void ReadFloat32_WrongMagic_ThrowsAtOffsetZero()
    {
        byte[] file = Npy(Dict("<f4", "(1,)"), Encode("<f4", [1]));
        file[1] = (byte)'X';
        string path = Save("magic.npy", file);

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 0, "magic");
    }

    [TestCase(0, 0)]
    [TestCase(4, 0)]
    [TestCase(1, 1)]
    [TestCase(255, 255)]
    public void ReadFloat32_UnknownVersion_ThrowsAtOffsetSix(int major, int minor)
    {
        byte[] file = Npy(Dict("<f4", "(1,)"), Encode("<f4", [1]));
        file[6] = (byte)major;
        file[7] = (byte)minor;
        string path = Save("version.npy", file);

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 6, $"version {major}.{minor}");
    }

    [TestCase(1)]
    [TestCase(2)]
    public void ReadFloat32_HeaderLengthPastEndOfFile_ThrowsAtOffsetEight(int major)
    {
        byte[] file = Npy(Dict("<f4", "(1,)"), Encode("<f4", [1]), major: major);
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), 60000);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), 3_000_000_000);
        }

        string path = Save("length.npy", file);

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 8, "past the end");
    }

    [Test]
    public void ReadFloat32_Version2LengthFieldCutShort_ThrowsAtOffsetEight()
    {
        string path = Save("cut.npy", Npy(Dict("<f4", "(1,)"), Encode("<f4", [1]), major: 2)[..11]);

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
        string path = Save("dict.npy", Npy(dict, Encode("<f4", [1])));

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 10, "malformed header");
    }

    [Test]
    public void ReadFloat32_MalformedHeaderDictVersion2_ThrowsAtOffsetTwelve()
    {
        string path = Save("dict2.npy", Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,", Encode("<f4", [1]), major: 2));

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 12, "malformed header");
    }

    [Test]
    public void ReadFloat32_DeeplyNestedHeader_ThrowsInsteadOfOverflowingStack()
    {
        string nested = new string('(', 100_000) + new string(')', 100_000);
        string path = Save("deep.npy", Npy($"{{'descr': {nested}, 'fortran_order': False, 'shape': (1,), }}", Encode("<f4", [1]), major: 2));

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 12, "nested");
    }

    [Test]
    public void ReadFloat32_Version3InvalidUtf8_ThrowsAtOffsetTwelve()
    {
        byte[] file = Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': '??', }", Encode("<f4", [1]), major: 3);
        int question = Array.IndexOf(file, (byte)'?');
        file[question] = 0xC3;
        file[question + 1] = 0x28;
        string path = Save("utf8.npy", file);

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 12, "UTF-8");
    }

    [TestCase("(3, -1)")]
    [TestCase("(-2,)")]
    [TestCase("(-99999999999999999999,)")]
    public void ReadFloat32_NegativeShapeEntry_Throws(string shape)
    {
        string path = Save("negative.npy", Npy(Dict("<f4", shape), []));

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
        string path = Save("nonint.npy", Npy(Dict("<f4", shape), []));

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 10, "non-integer");
    }

    [TestCase("<f4", "(4294967296, 4294967296)")]
    [TestCase("<f4", "(99999999999999999999,)")]
    [TestCase("<f8", "(4611686018427387904,)")]
    public void ReadFloat32_ElementCountOverflow_Throws(string descr, string shape)
    {
        string path = Save("overflow.npy", Npy(Dict(descr, shape), []));

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 10, "overflow");
    }

    [Test]
    public void ReadFloat32_DataShorterThanShape_ThrowsTruncated()
    {
        byte[] file = Npy(Dict("<f4", "(4,)"), Encode("<f4", [1, 2, 3, 4]));
        string path = Save("truncated.npy", file[..^6]);

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 128, "truncated: expected 16 bytes of data at byte 128, file has 10");
    }

    [Test]
    public void ReadHeader_DataShorterThanShape_StillReturnsHeader()
    {
        string path = Save("truncated.npy", Npy(Dict("<f4", "(4,)"), []));

        Assert.That(NpyReader.ReadHeader(path).Shape, Is.EqualTo(new long[] { 4 }));
    }

    [Test]
    public void ReadFloat32_MoreElementsThanAnArrayHolds_ThrowsTooLarge()
    {
        const long count = 2_147_483_648;
        byte[] header = Npy(Dict("|u1", $"({count},)"), []);
        string path = Path.Combine(_directory, "huge.npy");
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
        string path = Save("dtype.npy", Npy($"{{'descr': {descrLiteral}, 'fortran_order': False, 'shape': (1,), }}", new byte[16]));

        var ex = Assert.Throws<DataFormatException>(() => NpyReader.ReadFloat32(path));

        AssertFormatError(ex, path, 10, "unsupported dtype");
        Assert.That(ex!.Message, Does.Contain(descrLiteral));
    }

    [Test]
    public void ReadFloat32_RandomTruncationsAndHeaderCorruption_OnlyThrowDataFormatException()
    {
        byte[] valid = Npy(Dict("<f4", "(3, 4)"), Encode("<f4", Enumerable.Range(0, 12).Select(i => (double)i).ToArray()));
        int headerEnd = valid.Length - (12 * sizeof(float));
        var random = new Random(1234);
        string path = Path.Combine(_directory, "fuzz.npy");
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

    private string Save(string name, byte[] content)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, content);
        return path;
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

    private static string Dict(string descr, string shape, bool fortran = false) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";

    /// <summary>
    /// Assembles a file per the format spec: magic, version, little-endian header length (uint16 for 1.x, uint32
    /// otherwise), the dict padded with spaces and ended by '\n' so the preamble plus header is a multiple of
    /// <paramref name="alignment"/>, then the data.
    /// </summary>
    private static byte[] Npy(string dict, byte[] data, int major = 1, int alignment = 64)
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

    private static byte[] Encode(string descr, double[] values)
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

    private static double[] ValuesFor(string code) => code switch
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

    private static NpyDtype DtypeFor(string code) => code switch
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
