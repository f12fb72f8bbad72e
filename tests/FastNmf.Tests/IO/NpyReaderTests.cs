using System.Buffers.Binary;
using System.Text;
using FastNmf.IO;
using FastNmf.Tests.TestSupport;
using NUnit.Framework;

namespace FastNmf.Tests.IO;

/// <summary>
/// Reader tests build their input files byte by byte from the documented .npy layout (numpy.lib.format), so the
/// reader is never validated only against our own writer.
/// </summary>
[TestFixture]
public sealed class NpyReaderTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

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
        double[] values = NpyBytes.ValuesFor(descr[1..]);
        string path = _temp.Write("dtype.npy", NpyBytes.Npy(NpyBytes.Dict(descr, $"({values.Length},)"), NpyBytes.Encode(descr, values)));

        NpyArray array = NpyReader.ReadFloat32(path);

        float[] expected = values.Select(v => descr[1] == 'f' && descr[2] == '2' ? (float)(Half)v : (float)v).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(array.Shape, Is.EqualTo(new long[] { values.Length }));
            Assert.That(array.SourceDtype, Is.EqualTo(NpyBytes.DtypeFor(descr[1..])));
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
        string path = _temp.Write("header.npy", NpyBytes.Npy(NpyBytes.Dict(descr, "(2, 3)", fortran: true), new byte[6 * (descr[2] - '0')]));

        NpyHeader header = NpyReader.ReadHeader(path);

        Assert.Multiple(() =>
        {
            Assert.That(header.MajorVersion, Is.EqualTo(1));
            Assert.That(header.MinorVersion, Is.EqualTo(0));
            Assert.That(header.Descr, Is.EqualTo(descr));
            Assert.That(header.Dtype, Is.EqualTo(NpyBytes.DtypeFor(descr[1..])));
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
        string path = _temp.Write("c.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", "(2, 3)"), NpyBytes.Encode("<f4", values.Select(v => (double)v).ToArray())));

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

        string path = _temp.Write("f.npy", NpyBytes.Npy(NpyBytes.Dict(descr, "(2, 3, 4)", fortran: true), NpyBytes.Encode(descr, fortran.ToArray())));

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

        string path = _temp.Write("big.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", $"({n0}, {n1}, {n2})", fortran: true), bytes));

        float[] data = NpyReader.ReadFloat32(path).Data;

        int wrong = Enumerable.Range(0, data.Length).Count(c => data[c] != c);
        Assert.That(wrong, Is.Zero);
    }

    [Test]
    public void ReadFloat32_FortranOrder1D_IsUnchanged()
    {
        string path = _temp.Write("f1.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", "(3,)", fortran: true), NpyBytes.Encode("<f4", [1, 2, 3])));

        Assert.That(NpyReader.ReadFloat32(path).Data, Is.EqualTo(new float[] { 1, 2, 3 }));
    }

    [Test]
    public void ReadFloat32_Version2Header_ReadsData()
    {
        string path = _temp.Write("v2.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", "(2,)"), NpyBytes.Encode("<f4", [1.5, -2.5]), major: 2));

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
        string path = _temp.Write("v3.npy", NpyBytes.Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'note': 'µm²', }", NpyBytes.Encode("<f4", [3, 4]), major: 3));

        NpyArray array = NpyReader.ReadFloat32(path);

        Assert.That(array.Data, Is.EqualTo(new float[] { 3, 4 }));
    }

    [Test]
    public void ReadFloat32_ZeroDimensional_ReadsOneElement()
    {
        string path = _temp.Write("scalar.npy", NpyBytes.Npy(NpyBytes.Dict("<f8", "()"), NpyBytes.Encode("<f8", [6.25])));

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
        string path = _temp.Write("vector.npy", NpyBytes.Npy(NpyBytes.Dict("<i4", "(5,)"), NpyBytes.Encode("<i4", [1, 2, 3, 4, 5])));

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
        string path = _temp.Write("empty.npy", NpyBytes.Npy(NpyBytes.Dict("<f4", "(0, 3)", fortran: true), []));

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
        string path = _temp.Write("variant.npy", NpyBytes.Npy(dict, NpyBytes.Encode("<f4", [7, 8]), alignment: 16));

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
        byte[] file = [.. NpyBytes.Npy(NpyBytes.Dict("<f4", "(1,)"), NpyBytes.Encode("<f4", [9])), 1, 2, 3];
        string path = _temp.Write("trailing.npy", file);

        Assert.That(NpyReader.ReadFloat32(path).Data, Is.EqualTo(new float[] { 9 }));
    }
}
